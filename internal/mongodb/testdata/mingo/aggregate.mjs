// Runs compiled aggregation pipelines with mingo, for the differential
// test of the MongoDB store's aggregates (aggregate_test.go).
//
//   node aggregate.mjs docs.ejson pipelines.ejson > results.ejson
//
// docs.ejson: one customer document per line, canonical extended JSON.
// pipelines.ejson: one pipeline (an array of stages) per line.
// Output: one line per pipeline, canonical extended JSON:
// {"docs": [...the pipeline's output...]} or {"error": "..."}.
import { readFileSync } from "node:fs";
import { BSONRegExp, EJSON } from "bson";
import { aggregate } from "mingo";

const [docsPath, pipelinesPath] = process.argv.slice(2);
const lines = (path) => readFileSync(path, "utf8").split("\n").filter((l) => l.length > 0);
// relaxed: int64 become JS numbers (amounts in fen and times in
// milliseconds stay far below 2^53), dates become Date objects, as mingo
// expects; {"$regex", "$options"} (EJSON's legacy regular expression)
// becomes the JavaScript RegExp mingo understands.
const regexps = (v) => {
  if (v instanceof BSONRegExp) return new RegExp(v.pattern, v.options);
  if (Array.isArray(v)) return v.map(regexps);
  if (v && typeof v === "object" && !(v instanceof Date)) {
    for (const k of Object.keys(v)) v[k] = regexps(v[k]);
  }
  return v;
};
const parse = (l) => regexps(EJSON.parse(l, { relaxed: true }));
const parsed = lines(docsPath).map(parse);
const out = [];
for (const line of lines(pipelinesPath)) {
  try {
    const docs = structuredClone(parsed); // fresh documents: no stage sees another pipeline's changes
    out.push(EJSON.stringify({ docs: aggregate(docs, parse(line)) }, { relaxed: false }));
  } catch (err) {
    out.push(JSON.stringify({ error: String(err && err.stack ? err.stack : err) }));
  }
}
process.stdout.write(out.join("\n") + "\n");
