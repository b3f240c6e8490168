/* @mention suggestions in the comment box: type "@" and a few letters, and the
   court's people and the CCPOR Team are offered as a list. A combobox pattern for
   a text area: arrow keys move through the list, Enter or Tab inserts, Escape
   closes; the list is announced through a status line. Without script, typing the
   name works as before. Data: the "mention-people" JSON (portal item page). */
(function () {
  "use strict";
  const data = document.getElementById("mention-people");
  const box = document.getElementById("id_body");
  const list = document.getElementById("mention-list");
  const status = document.getElementById("mention-status");
  if (!data || !box || !list) return;
  const people = JSON.parse(data.textContent || "[]");
  let shown = [];
  let active = -1;

  box.setAttribute("role", "combobox");
  box.setAttribute("aria-autocomplete", "list");
  box.setAttribute("aria-controls", "mention-list");
  box.setAttribute("aria-expanded", "false");

  function partial() {
    const before = box.value.slice(0, box.selectionStart);
    const match = /(^|[^\w.@+-])@([\w.+-]*)$/.exec(before);
    return match ? match[2] : null;
  }

  function close() {
    list.hidden = true;
    list.replaceChildren();
    shown = [];
    active = -1;
    box.setAttribute("aria-expanded", "false");
    box.removeAttribute("aria-activedescendant");
  }

  function mark() {
    [...list.children].forEach((li, i) => {
      li.setAttribute("aria-selected", i === active ? "true" : "false");
      li.classList.toggle("active", i === active);
    });
    if (active >= 0) box.setAttribute("aria-activedescendant", `mention-${active}`);
  }

  function open(word) {
    const w = word.toLowerCase();
    shown = people
      .filter((p) => p.handle.toLowerCase().startsWith(w) || p.name.toLowerCase().includes(w))
      .slice(0, 8);
    if (!shown.length) {
      close();
      status.textContent = "No one to suggest.";
      return;
    }
    list.replaceChildren(
      ...shown.map((p, i) => {
        const li = document.createElement("li");
        li.id = `mention-${i}`;
        li.className = "list-group-item list-group-item-action";
        li.setAttribute("role", "option");
        li.textContent = p.name ? `@${p.handle} (${p.name})` : `@${p.handle}`;
        li.addEventListener("mousedown", (event) => {
          event.preventDefault();
          insert(i);
        });
        return li;
      })
    );
    active = 0;
    list.hidden = false;
    box.setAttribute("aria-expanded", "true");
    mark();
    status.textContent = `${shown.length} suggestion${shown.length === 1 ? "" : "s"}: arrow keys to choose, Enter to insert.`;
  }

  function insert(i) {
    const word = partial();
    if (word === null) return close();
    const at = box.selectionStart;
    const start = at - word.length;
    const text = `${shown[i].handle} `;
    box.value = box.value.slice(0, start) + text + box.value.slice(at);
    box.selectionStart = box.selectionEnd = start + text.length;
    status.textContent = `@${shown[i].handle} inserted.`;
    close();
  }

  box.addEventListener("input", () => {
    const word = partial();
    if (word === null) close();
    else open(word);
  });
  box.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      active = (active + step + shown.length) % shown.length;
      mark();
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      insert(active);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  box.addEventListener("blur", close);
})();
