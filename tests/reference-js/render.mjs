// Renders chat templates with @huggingface/jinja, the renderer transformers.js uses.
// stdin: {"cases": [{"template": "...", "vars": {...}}]}; stdout: {"results": [{"text": "..."} | {"error": "..."}]}
import fs from "fs";
import { Template } from "@huggingface/jinja";
const req = JSON.parse(fs.readFileSync(0, "utf8"));
const results = req.cases.map(c => {
  try { return { text: new Template(c.template).render(c.vars) }; }
  catch (e) { return { error: String(e && e.message || e) }; }
});
process.stdout.write(JSON.stringify({ results }));
