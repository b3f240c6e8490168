// The Django admin's change lists and tabular inlines on a phone (css/admin.css):
// each cell gets its column's heading as data-label, shown before the value when the
// rows stack. Without this script the tables keep their columns.
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
        }
      });
    }
    table.classList.add("admin-stack");
  }
});
