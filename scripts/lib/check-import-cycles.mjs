// Lint step: fails on any cycle among the project's own modules (relative imports of .ts
// files, type-only imports excluded since they vanish at run time). Replaces
// eslint-plugin-import-x's no-cycle, whose native resolver dependency npm ci cannot install
// from our lock file.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const roots = ['services', 'lib', 'test', 'bench'];
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'node_modules' && name !== 'dist') walk(p);
    } else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) files.push(path.resolve(p));
  }
};
for (const r of roots) {
  try {
    walk(r);
  } catch {
    // A missing root is fine.
  }
}

const graph = new Map();
for (const file of files) {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false);
  const deps = [];
  for (const stmt of src.statements) {
    let spec;
    if (ts.isImportDeclaration(stmt)) {
      if (stmt.importClause?.isTypeOnly) continue;
      spec = stmt.moduleSpecifier;
    } else if (ts.isExportDeclaration(stmt)) {
      if (stmt.isTypeOnly || !stmt.moduleSpecifier) continue;
      spec = stmt.moduleSpecifier;
    }
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.')) continue;
    const target = path.resolve(path.dirname(file), spec.text.replace(/\.js$/, '.ts'));
    if (graph.has(target) || files.includes(target)) deps.push(target);
  }
  graph.set(file, deps);
}

const state = new Map(); // 1 = on stack, 2 = done
const stack = [];
const cycles = [];
const visit = (node) => {
  state.set(node, 1);
  stack.push(node);
  for (const dep of graph.get(node) ?? []) {
    if (state.get(dep) === 1) cycles.push([...stack.slice(stack.indexOf(dep)), dep]);
    else if (!state.has(dep)) visit(dep);
  }
  stack.pop();
  state.set(node, 2);
};
for (const file of graph.keys()) if (!state.has(file)) visit(file);

if (cycles.length > 0) {
  const rel = (p) => path.relative(process.cwd(), p);
  for (const c of cycles) console.error(`import cycle: ${c.map(rel).join(' -> ')}`);
  process.exit(1);
}
console.log(`no import cycles among ${graph.size} modules`);
