// Building pages from data without ever parsing data as HTML: text goes in as text.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// A table whose columns sort when their header is activated (click or keyboard).
export function sortableTable(columns, rows, { onOpen } = {}) {
  let sortColumn = -1, ascending = true;
  const body = el('tbody');
  const render = () => {
    const ordered = [...rows];
    if (sortColumn >= 0) {
      const key = columns[sortColumn].value;
      ordered.sort((a, b) => String(key(a)).localeCompare(String(key(b)), undefined, { numeric: true }) * (ascending ? 1 : -1));
    }
    body.replaceChildren(...ordered.map((row) => {
      const tr = el('tr', onOpen ? { class: 'clickable', tabindex: '0', onclick: () => onOpen(row),
                                     onkeydown: (event) => { if (event.key === 'Enter') onOpen(row); } } : {},
                    ...columns.map((column) => el('td', {}, column.cell ? column.cell(row) : String(column.value(row)))));
      return tr;
    }));
  };
  const header = el('tr', {}, ...columns.map((column, index) => el('th', { scope: 'col' },
    el('button', { type: 'button', onclick: () => { ascending = sortColumn === index ? !ascending : true; sortColumn = index; render(); } }, column.title))));
  render();
  return el('table', {}, el('thead', {}, header), body);
}

// A labelled input of a form, named `name`, with the id `f-name` the label points to.
export function field(label, name, type = 'text', attributes = {}) {
  const id = `f-${name}`;
  return el('div', {}, el('label', { for: id }, label), el('input', { id, name, type, ...attributes }));
}
