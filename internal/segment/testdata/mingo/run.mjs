// Evaluates compiled segment filters with mingo, for the differential test
// of internal/segment (mingo_test.go).
//
//   node run.mjs docs.ejson filters.ejson > result.json
//
// docs.ejson: one customer document per line, canonical extended JSON.
// filters.ejson: one find filter per line, canonical extended JSON.
// Output: a JSON array with, per filter, {"ids": [matching _id...]} or
// {"error": "..."} when mingo rejects the filter.
import { readFileSync } from "node:fs";
import { BSONRegExp, EJSON } from "bson";
import { Query } from "mingo";

const [docsPath, filtersPath] = process.argv.slice(2);
const lines = (path) => readFileSync(path, "utf8").split("\n").filter((l) => l.length > 0);
// relaxed: int64 become JS numbers (amounts in fen stay far below 2^53),
// dates become Date objects, as mingo expects.
// {"$regex": p, "$options": o} is also extended JSON's legacy form of a
// regular expression, which EJSON turns into a BSONRegExp: give mingo the
// JavaScript RegExp it understands ({f: /p/o} means {f: {$regex, $options}}).
const regexps = (v) => {
  if (v instanceof BSONRegExp) return new RegExp(v.pattern, v.options);
  if (Array.isArray(v)) return v.map(regexps);
  if (v && typeof v === "object" && !(v instanceof Date)) {
    for (const k of Object.keys(v)) v[k] = regexps(v[k]);
  }
  return v;
};
const parse = (l) => regexps(EJSON.parse(l, { relaxed: true }));
const docs = lines(docsPath).map(parse);
const out = [];
for (const line of lines(filtersPath)) {
  try {
    const q = new Query(parse(line));
    const ids = [];
    for (const doc of docs) if (q.test(doc)) ids.push(doc._id);
    out.push({ ids });
  } catch (err) {
    out.push({ error: String(err && err.message ? err.message : err) });
  }
}
process.stdout.write(JSON.stringify(out));
