// The playground: runs a schema's stream route and shows its events as they arrive. Plain JS, no build step.
// Streams are POSTs, so they are read with fetch and a ReadableStream (EventSource can only GET).
"use strict";
(() => {
  const config = JSON.parse(document.getElementById("config").textContent);
  const $ = (id) => document.getElementById(id);
  const KEY_STORE = "gateway-api-key";
  const ui = {
    form: $("run-form"), text: $("text"), run: $("run"), stop: $("stop"), evidence: $("evidence"),
    keyBox: $("key-box"), key: $("api-key"), forget: $("forget-key"),
    status: $("status"), error: $("error"), meta: $("meta"), result: $("result"), json: $("json"), source: $("source"),
  };
  let controller = null;

  // --- The API key: asked for when the gateway wants one, kept in this tab's session storage only.
  const storedKey = () => sessionStorage.getItem(KEY_STORE) || "";
  function askForKey(message) {
    ui.keyBox.hidden = false;
    ui.key.value = storedKey();
    if (message) showError("API key", message);
    ui.key.focus();
  }
  ui.key.addEventListener("input", () => {
    const value = ui.key.value.trim();
    if (value) sessionStorage.setItem(KEY_STORE, value); else sessionStorage.removeItem(KEY_STORE);
  });
  ui.forget.addEventListener("click", () => { sessionStorage.removeItem(KEY_STORE); ui.key.value = ""; ui.key.focus(); });
  if (config.keyRequired) { ui.keyBox.hidden = false; ui.key.value = storedKey(); }

  // --- Switching between one object and a list offers that shape's example, unless the text was edited.
  for (const radio of document.querySelectorAll("input[name=shape]")) {
    radio.addEventListener("change", () => {
      const shown = Object.values(config.examples);
      const wanted = config.examples[radio.value];
      if (wanted && (ui.text.value === "" || shown.includes(ui.text.value))) ui.text.value = wanted;
    });
  }

  // --- Server-sent events from a fetch body: yields {event, data, id} per the SSE framing rules.
  async function* readEvents(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    let event = "", data = [], id = null;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      for (;;) {
        const end = buffer.search(/\r\n|\r|\n/);
        if (end < 0 || (buffer[end] === "\r" && end === buffer.length - 1)) break; // a CR may have its LF next
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + (buffer.startsWith("\r\n", end) ? 2 : 1));
        if (line === "") {
          if (data.length) yield { event: event || "message", data: data.join("\n"), id };
          event = ""; data = [];
          continue;
        }
        if (line.startsWith(":")) continue; // a comment (keep-alive)
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let text = colon < 0 ? "" : line.slice(colon + 1);
        if (text.startsWith(" ")) text = text.slice(1);
        if (field === "event") event = text;
        else if (field === "data") data.push(text);
        else if (field === "id") id = text;
      }
    }
  }

  // --- The answer as a tree; every value knows its path (`vendor.name`, `items[1].price`, `[0].age` for lists).
  const join = (path, key) => (path ? `${path}.${key}` : key);
  function tree(value, path) {
    if (Array.isArray(value)) {
      const list = document.createElement("ol");
      list.className = "array";
      list.start = 0;
      value.forEach((each, index) => {
        const item = document.createElement("li");
        item.append(tree(each, `${path}[${index}]`));
        list.append(item);
      });
      if (!value.length) list.append(leaf("[]", "empty", path));
      return list;
    }
    if (value !== null && typeof value === "object") {
      const fields = document.createElement("dl");
      fields.className = "object";
      for (const [key, each] of Object.entries(value)) {
        const name = document.createElement("dt");
        name.textContent = key;
        const inner = document.createElement("dd");
        inner.append(tree(each, join(path, key)));
        fields.append(name, inner);
      }
      return fields;
    }
    const kind = value === null ? "null" : typeof value;
    return leaf(typeof value === "string" ? JSON.stringify(value) : String(value), kind, path);
  }
  function leaf(text, kind, path) {
    const span = document.createElement("span");
    span.className = `value ${kind}`;
    span.textContent = text;
    span.dataset.path = path;
    return span;
  }

  // --- State of one run.
  let run = null;
  function newRun(shape, text) {
    return { shape, text, object: null, items: [], evidence: [], partials: 0, final: false, done: false, failed: false };
  }
  function show() {
    const answer = run.shape === "list" ? run.items : run.object;
    ui.result.replaceChildren(answer === null ? "" : tree(answer, ""));
    ui.result.dataset.state = run.failed ? "error" : run.final || run.done ? "final" : "partial";
    ui.json.textContent = answer === null ? "" : JSON.stringify(answer, null, 2);
    markEvidence();
  }
  function setMeta(name, value) {
    if (value === null || value === undefined || value === "") return;
    let row = ui.meta.querySelector(`[data-meta="${name}"]`);
    if (!row) {
      row = document.createElement("div");
      row.dataset.meta = name;
      const term = document.createElement("dt");
      term.textContent = name;
      row.append(term, document.createElement("dd"));
      ui.meta.append(row);
    }
    row.querySelector("dd").textContent = value;
  }
  function showError(type, message) {
    ui.error.hidden = false;
    ui.error.replaceChildren();
    const strong = document.createElement("strong");
    strong.textContent = type;
    ui.error.append(strong, document.createTextNode(`: ${message}`));
  }
  const say = (words) => { ui.status.textContent = words; };

  // --- Evidence: offsets count code points (the gateway is Python); JS strings index UTF-16 units.
  function utf16Offsets(text) {
    const offsets = [0];
    for (const char of text) offsets.push(offsets[offsets.length - 1] + char.length);
    return offsets;
  }
  function markEvidence() {
    const text = run.text;
    const at = utf16Offsets(text);
    const spans = [...run.evidence].filter((found) => found.end <= at.length - 1 && found.start < found.end)
      .sort((a, b) => a.start - b.start || b.end - a.end);
    const parts = [];
    let cursor = 0;
    for (const found of spans) {
      if (found.start < cursor) { // inside (or over) the span before: that mark names this path too
        const last = parts[parts.length - 1];
        if (last instanceof HTMLElement && found.end <= last.dataset.end) last.paths.push(found.path);
        continue;
      }
      parts.push(text.slice(at[cursor], at[found.start]));
      const mark = document.createElement("mark");
      mark.textContent = text.slice(at[found.start], at[found.end]);
      mark.dataset.end = found.end;
      mark.dataset.match = found.match;
      mark.paths = [found.path];
      mark.title = `${found.path} (${found.match})`;
      parts.push(mark);
      cursor = found.end;
    }
    parts.push(text.slice(at[cursor]));
    ui.source.replaceChildren(...parts);
    const located = new Set(spans.map((each) => each.path));
    for (const value of ui.result.querySelectorAll(".value")) {
      if (located.has(value.dataset.path)) { value.classList.add("found"); value.tabIndex = 0; }
    }
  }
  function highlight(path, on) {
    for (const mark of ui.source.querySelectorAll("mark")) {
      if (mark.paths.includes(path)) {
        mark.classList.toggle("active", on);
        if (on) mark.scrollIntoView({ block: "nearest" });
      }
    }
    for (const value of ui.result.querySelectorAll(".value")) {
      if (value.dataset.path === path) value.classList.toggle("active", on);
    }
  }
  for (const [element, selector] of [[ui.result, ".value.found"], [ui.source, "mark"]]) {
    const paths = (target) => {
      const hit = target.closest(selector);
      return hit ? (hit.paths || [hit.dataset.path]) : [];
    };
    const on = (event) => paths(event.target).forEach((path) => highlight(path, true));
    const off = (event) => paths(event.target).forEach((path) => highlight(path, false));
    element.addEventListener("mouseover", on);
    element.addEventListener("mouseout", off);
    element.addEventListener("focusin", on);
    element.addEventListener("focusout", off);
  }

  // --- One event of the stream.
  function handle(event) {
    const data = event.data === "[DONE]" ? null : JSON.parse(event.data);
    switch (event.event) {
      case "partial":
        run.object = data; run.partials += 1;
        say(`Forming… ${run.partials} update${run.partials === 1 ? "" : "s"} (not yet validated)`);
        break;
      case "final":
        run.object = data; run.final = true;
        say("Final: the object is validated against the schema.");
        break;
      case "item":
        run.items.push(data);
        say(`${run.items.length} object${run.items.length === 1 ? "" : "s"} so far…`);
        break;
      case "evidence":
        run.evidence.push(...data);
        break;
      case "usage":
        setMeta("tokens", `${data.prompt_tokens} in, ${data.completion_tokens} out${data.estimated ? " (estimated)" : ""}`);
        setMeta("upstream calls", String(data.attempts));
        setMeta("model", data.model);
        setMeta("upstream time", `${data.upstream_ms} ms`);
        break;
      case "error":
        run.failed = true;
        showError(data.type, data.message);
        if (data.request_id) setMeta("request id", data.request_id);
        break;
      case "done":
        run.done = true;
        if (event.id) setMeta("schema version", event.id);
        break;
      default:
        return;
    }
    if (event.event !== "usage" && event.event !== "done") show();
  }

  async function start(submit) {
    submit.preventDefault();
    if (controller) controller.abort();
    if (!ui.keyBox.hidden && !ui.key.value.trim()) { askForKey("enter the API key to run"); return; }
    const shape = document.querySelector("input[name=shape]:checked").value;
    const text = ui.text.value;
    run = newRun(shape, text);
    ui.error.hidden = true;
    ui.meta.replaceChildren();
    show();
    say("Sending…");
    controller = new AbortController();
    ui.stop.disabled = false;
    ui.run.disabled = true;
    const headers = { "Content-Type": "application/json", Accept: "text/event-stream" };
    const key = ui.keyBox.hidden ? "" : ui.key.value.trim();
    if (key) headers.Authorization = `Bearer ${key}`;
    const body = { text };
    if (ui.evidence.checked) body.include = ["evidence"];
    const route = `/extract/${encodeURIComponent(config.name)}${shape === "list" ? "/list" : ""}/stream`;
    try {
      const response = await fetch(route, { method: "POST", headers, body: JSON.stringify(body), signal: controller.signal });
      setMeta("request id", response.headers.get("X-Request-ID"));
      setMeta("schema version", response.headers.get("Schema-Version"));
      if (!response.ok) {
        const envelope = await response.json().catch(() => null);
        const error = (envelope && envelope.error) || { type: `HTTP ${response.status}`, message: response.statusText };
        run.failed = true;
        show();
        say(`Failed with HTTP ${response.status}.`);
        if (response.status === 401 || response.status === 403) askForKey(); // the message says which
        showError(error.type, error.message);
        return;
      }
      for await (const event of readEvents(response.body)) handle(event);
      if (!run.done) { run.failed = true; show(); showError("stream_cut", "the stream ended before its done event"); }
      else if (run.failed) say("Failed: see the error.");
      else if (shape === "list") say(`Done: ${run.items.length} object${run.items.length === 1 ? "" : "s"}, each validated.`);
    } catch (problem) {
      if (problem.name === "AbortError") { say("Stopped."); return; }
      run.failed = true;
      show();
      showError("network", problem.message);
      say("Failed.");
    } finally {
      ui.stop.disabled = true;
      ui.run.disabled = false;
    }
  }
  ui.form.addEventListener("submit", start);
  ui.run.disabled = false; // disabled in the page until this script is ready to handle the form
  ui.stop.addEventListener("click", () => controller && controller.abort());
})();
