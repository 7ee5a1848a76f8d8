"use strict";
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
};
const refName = (s) => s && s.$ref ? s.$ref.split("/").pop() : null;
const schemaText = (s) => refName(s) || JSON.stringify(s, null, 2);
function render(doc) {
  document.getElementById("title").textContent = `${doc.info.title} ${doc.info.version}`;
  document.getElementById("description").textContent = doc.info.description || "";
  const ops = document.getElementById("ops");
  ops.textContent = "";
  const byTag = new Map();
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const [method, op] of Object.entries(item)) {
      const tag = (op.tags && op.tags[0]) || "other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push([method, path, op]);
    }
  }
  for (const [tag, list] of byTag) {
    ops.append(el("h2", {}, tag));
    for (const [method, path, op] of list) {
      const body = el("div");
      if (op.description || op.summary) body.append(el("p", {}, op.description || op.summary));
      if (op.parameters && op.parameters.length) {
        const table = el("table", {}, el("tr", {}, el("th", {}, "parameter"), el("th", {}, "in"), el("th", {}, "schema")));
        for (const p of op.parameters) table.append(el("tr", {}, el("td", {}, p.name + (p.required ? " *" : "")), el("td", {}, p.in), el("td", {}, schemaText(p.schema))));
        body.append(table);
      }
      if (op.requestBody) {
        for (const [type, media] of Object.entries(op.requestBody.content || {})) body.append(el("p", {}, `Request body (${type}): `, el("code", {}, schemaText(media.schema))));
      }
      const responses = el("table", {}, el("tr", {}, el("th", {}, "status"), el("th", {}, "description"), el("th", {}, "body")));
      for (const [status, r] of Object.entries(op.responses || {})) {
        const schema = r.content ? Object.values(r.content)[0].schema : null;
        responses.append(el("tr", {}, el("td", {}, status), el("td", {}, r.description || ""), el("td", {}, schema ? schemaText(schema) : "")));
      }
      body.append(responses);
      ops.append(el("details", { id: op.operationId || `${method}-${path}` }, el("summary", {}, el("span", { class: `m ${method}` }, method), path), body));
    }
  }
  const schemas = document.getElementById("schemas");
  for (const [name, schema] of Object.entries((doc.components && doc.components.schemas) || {})) {
    schemas.append(el("details", { id: `schema-${name}` }, el("summary", {}, name), el("pre", {}, JSON.stringify(schema, null, 2))));
  }
}
fetch("/api/v1/openapi.json").then((r) => r.json()).then(render).catch((e) => {
  document.getElementById("ops").textContent = `Cannot load the OpenAPI document: ${e}`;
});
