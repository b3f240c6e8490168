// The Django admin's change lists and tabular inlines on a phone (css/admin.css):
// each cell gets its column's heading as data-label, shown before the value when the
// rows stack, and an inline's fields get it as their name. Without this script the
// tables keep their columns.
document.addEventListener("DOMContentLoaded", () => {
  const tables = document.querySelectorAll("#result_list, .inline-group .tabular table");
  for (const table of tables) {
    const headings = [...table.querySelectorAll("thead th")].map((th) =>
      th.textContent.replace(/\s+/g, " ").trim(),
    );
    for (const row of table.querySelectorAll("tbody tr")) {
      [...row.children].forEach((cell, n) => {
        const label = headings[n];
        if (label && !cell.querySelector('input[type="checkbox"].action-select')) {
          cell.dataset.label = label;
          // A tabular inline's fields are named by the column heading alone, which
          // screen readers do not read for a field in a cell: name each field.
          for (const field of cell.querySelectorAll("input:not([type=hidden]), select, textarea")) {
            if (!field.labels?.length && !field.getAttribute("aria-label")) {
              field.setAttribute("aria-label", label);
            }
          }
        }
      });
    }
    table.classList.add("admin-stack");
  }
});
