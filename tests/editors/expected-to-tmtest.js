#!/usr/bin/env node
// Turns sample.drl + expected.tsv into a vscode-tmgrammar-test file, so the
// TextMate grammar is checked at exactly the positions the Vim and Emacs tests
// check.  Usage: node expected-to-tmtest.js OUTFILE
'use strict';
const fs = require('fs');
const path = require('path');

const here = __dirname;
const out = process.argv[2];
if (!out) {
  console.error('usage: expected-to-tmtest.js OUTFILE');
  process.exit(2);
}

const E = ' - punctuation.section.embedded.begin.drl punctuation.section.embedded.end.drl';
// category -> "required scopes [- excluded scopes]" as vscode-tmgrammar-test reads them
const scopes = {
  'keyword': 'keyword.control.drl',
  'region-role': 'keyword.other.region-role.drl',
  'resource-attribute': 'storage.modifier.resource-attribute.drl',
  'type': 'entity.name.type.drl',
  'property': 'variable.other.property.drl',
  'declaration': 'entity.name.variable.drl',
  'macro-def': 'entity.name.function.macro.drl',
  'macro-call': 'variable.function.macro.drl',
  'builtin': 'support.function.builtin.drl',
  'pseudo': 'variable.language.pseudo.drl',
  'boolean': 'constant.language.boolean.drl',
  'null': 'constant.language.null.drl',
  'number': 'constant.numeric.drl',
  'string': 'string.quoted.double.drl - meta.embedded.line.interpolation.drl',
  'nested-string': 'meta.embedded.line.interpolation.drl string.quoted.double.drl' + E,
  'escape': 'string.quoted.double.drl constant.character.escape.drl',
  'interp-begin': 'meta.embedded.line.interpolation.drl punctuation.section.embedded.begin.drl',
  'interp-end': 'meta.embedded.line.interpolation.drl punctuation.section.embedded.end.drl',
  'interp-body': 'meta.embedded.line.interpolation.drl' + E,
  'comment': 'comment.line.double-slash.drl',
  'block-comment': 'comment.block.drl',
  'doc-comment': 'comment.line.documentation.drl',
  'plain': 'source.drl - ' + [
    'keyword.control.drl', 'keyword.other.region-role.drl', 'entity.name.type.drl',
    'variable.other.property.drl', 'entity.name.variable.drl', 'variable.language.pseudo.drl',
    'support.function.builtin.drl', 'variable.function.macro.drl', 'string.quoted.double.drl',
    'constant.numeric.drl', 'comment.line.double-slash.drl', 'comment.block.drl',
  ].join(' '),
};

const sample = fs.readFileSync(path.join(here, 'sample.drl'), 'utf8').split('\n');
if (sample[sample.length - 1] === '') sample.pop();
const byLine = new Map();
let bad = 0;
for (const row of fs.readFileSync(path.join(here, 'expected.tsv'), 'utf8').split('\n')) {
  if (row === '' || row.startsWith('#')) continue;
  const [l, c, cat, text] = row.split('\t');
  const line = Number(l), col = Number(c);
  if (!(cat in scopes)) { console.error(`expected.tsv: unknown category ${cat}`); bad++; continue; }
  if (sample[line - 1].substr(col - 1, text.length) !== text) {
    console.error(`expected.tsv: ${line}:${col} does not start with ${JSON.stringify(text)}`);
    bad++;
    continue;
  }
  if (!byLine.has(line)) byLine.set(line, []);
  // "<~~~-" : the assertion covers one character at offset col-1
  byLine.get(line).push(`//<${'~'.repeat(col - 1)}- ${scopes[cat]}`);
}
if (bad) process.exit(1);

const lines = ['// SYNTAX TEST "source.drl" "generated from sample.drl and expected.tsv"'];
sample.forEach((text, i) => {
  lines.push(text);
  for (const a of byLine.get(i + 1) || []) lines.push(a);
});
fs.writeFileSync(out, lines.join('\n') + '\n');
