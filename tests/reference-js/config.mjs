// Prints where a tokenizer package keeps its real files: {"dir": ".../models"}.
import { createRequire } from "module";
import path from "path";
const require = createRequire(import.meta.url);
const entry = require.resolve(process.argv[2] + "/models/tokenizer.json");
process.stdout.write(JSON.stringify({ dir: path.dirname(entry) }));
