// Runs the browser redactor over texts for the Python parity test
// (tests/sdk/test_redaction_parity.py): stdin is a JSON list of strings, stdout a JSON list
// of {"text": redacted, "spans": [[start, end, entity], ...]} in the same order.
import { findAll } from "../src/detect/index.js";
import { Vault, redactText } from "../src/redact.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const texts = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const out = texts.map((text) => ({
  text: redactText(text, new Vault(), {}),
  spans: findAll(text).map((s) => [s.start, s.end, s.entity]),
}));
process.stdout.write(JSON.stringify(out));
