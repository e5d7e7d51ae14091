#!/usr/bin/env node
// Generates lib/api/field-tree.json: every field name of every kind k8ts serves, read from the
// published TypeScript definitions in node_modules/kubernetes-types (generated upstream from the
// Kubernetes OpenAPI document). The apiserver uses the tree to find unknown fields, as the real
// apiserver's strict decoder does for `fieldValidation=Strict|Warn`; the published ajv validators
// (kubernetes-models) accept unknown fields, and field lists must not be written by hand.
//
// Regenerate (after bumping kubernetes-types or adding a kind to lib/api/registry.ts):
//
//     node scripts/gen-field-tree.mjs            # writes lib/api/field-tree.json
//     node scripts/gen-field-tree.mjs --check    # exits 1 if the committed file is stale
//
// Needs the dev dependencies `typescript` and `kubernetes-types`; the runtime reads only the JSON.
//
// Output format:
//   roots:           "apps/v1/Deployment" -> type name   (apiVersion + "/" + kind)
//   anyVersionRoots: "DeleteOptions" -> type name         (meta kinds accepted under any group version)
//   types:           type name -> { field name -> node }, type names being "<module>.<Interface>",
//                    e.g. "core/v1.Container", so equal interface names of different groups stay apart
//   node:            a type name | "scalar" | "any" | {"list": node} | {"map": node}
//                    "scalar": string, number, boolean or an enum of them;
//                    "any": contents are not checked (IntOrString, Quantity, RawExtension, FieldsV1,
//                    anything the generator cannot classify) — the strict decoder does not look inside
//                    them either.

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TYPES_DIR = join(ROOT, 'node_modules', 'kubernetes-types');
const REGISTRY = join(ROOT, 'lib', 'api', 'registry.ts');
const OUT = join(ROOT, 'lib', 'api', 'field-tree.json');

/** Bodies that are not served resources but arrive in requests (subresources, deletes) or leave them. */
const EXTRA_ROOTS = [
  { group: 'autoscaling', version: 'v1', kind: 'Scale' },
  { group: '', version: 'v1', kind: 'Binding' },
  { group: 'policy', version: 'v1', kind: 'Eviction' },
  { group: 'meta', version: 'v1', kind: 'DeleteOptions', anyVersion: true },
  { group: 'meta', version: 'v1', kind: 'Status', anyVersion: true },
];

/** Type aliases whose values are opaque to the strict decoder (custom JSON unmarshalers). */
const OPAQUE_ALIASES = new Set(['Quantity']);

/** The served resources, read from registry.ts (which has no imports) by transpiling it in memory. */
async function servedResources() {
  const source = readFileSync(REGISTRY, 'utf8');
  if (/^\s*import\s/m.test(source)) throw new Error(`${REGISTRY} gained imports; load it from dist/ instead`);
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const mod = await import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`);
  return mod.RESOURCES.map((r) => ({ group: r.group, version: r.version, kind: r.kind }));
}

/** kubernetes-types keeps each group in a folder named by the group's first label (core for ''). */
function moduleOf(group, version) {
  const dir = group === '' ? 'core' : group.split('.')[0];
  return `${dir}/${version}`;
}

function apiVersionOf(group, version) {
  return group === '' || group === 'meta' ? version : `${group}/${version}`;
}

function createChecker(moduleNames) {
  const files = moduleNames.map((m) => join(TYPES_DIR, `${m}.d.ts`));
  const program = ts.createProgram(files, {
    noEmit: true,
    strict: true,
    types: [],
    lib: ['lib.es2022.d.ts'],
  });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length > 0) {
    throw new Error(ts.formatDiagnostics(diagnostics, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => ROOT,
      getNewLine: () => '\n',
    }));
  }
  return { program, checker: program.getTypeChecker() };
}

/** "core/v1" for node_modules/kubernetes-types/core/v1.d.ts. */
function moduleNameOfFile(fileName) {
  return relative(TYPES_DIR, fileName).split(sep).join('/').replace(/\.d\.ts$/, '');
}

class TreeBuilder {
  constructor(checker) {
    this.checker = checker;
    /** @type {Map<string, Record<string, unknown>>} */
    this.types = new Map();
    this.warnings = [];
  }

  /** Resolves an identifier through imports to its declaring symbol. */
  resolve(identifier) {
    let symbol = this.checker.getSymbolAtLocation(identifier);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
    return symbol;
  }

  /** Adds an interface (and everything it reaches) to the table; returns its type name. */
  addInterface(declaration) {
    const name = `${moduleNameOfFile(declaration.getSourceFile().fileName)}.${declaration.name.text}`;
    if (this.types.has(name)) return name;
    const fields = {};
    this.types.set(name, fields); // placed first so recursive types terminate
    const symbol = this.checker.getSymbolAtLocation(declaration.name);
    const properties = this.checker.getPropertiesOfType(this.checker.getDeclaredTypeOfSymbol(symbol));
    for (const prop of [...properties].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const decl = prop.valueDeclaration;
      if (!decl || !ts.isPropertySignature(decl) || !decl.type) {
        this.warnings.push(`${name}.${prop.name}: no declared type, treated as any`);
        fields[prop.name] = 'any';
        continue;
      }
      fields[prop.name] = this.classify(decl.type, `${name}.${prop.name}`);
    }
    return name;
  }

  /** The node for one declared type. */
  classify(node, where) {
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword:
      case ts.SyntaxKind.NumberKeyword:
      case ts.SyntaxKind.BooleanKeyword:
      case ts.SyntaxKind.LiteralType:
        return 'scalar';
      case ts.SyntaxKind.ParenthesizedType:
        return this.classify(node.type, where);
      case ts.SyntaxKind.ArrayType:
        return { list: this.classify(node.elementType, where) };
      case ts.SyntaxKind.UnionType:
        return this.classifyUnion(node, where);
      case ts.SyntaxKind.TypeLiteral:
        return this.classifyTypeLiteral(node, where);
      case ts.SyntaxKind.TypeReference:
        return this.classifyReference(node, where);
      case ts.SyntaxKind.AnyKeyword:
      case ts.SyntaxKind.UnknownKeyword:
      case ts.SyntaxKind.ObjectKeyword:
        return 'any';
      default:
        this.warnings.push(`${where}: unhandled type syntax ${ts.SyntaxKind[node.kind]}, treated as any`);
        return 'any';
    }
  }

  // `number | string` is IntOrString: opaque. A union of literals is an enum: scalar.
  classifyUnion(node, where) {
    const parts = node.types.map((t) => this.classify(t, where));
    const keywords = new Set(node.types.map((t) => t.kind));
    if (keywords.has(ts.SyntaxKind.StringKeyword) && keywords.has(ts.SyntaxKind.NumberKeyword)) return 'any';
    return parts.every((p) => p === 'scalar') ? 'scalar' : 'any';
  }

  // `{[name: string]: X}` is a string-keyed map (labels, data, resource lists).
  classifyTypeLiteral(node, where) {
    const members = node.members;
    if (members.length === 1 && ts.isIndexSignatureDeclaration(members[0]) && members[0].type) {
      return { map: this.classify(members[0].type, `${where}[*]`) };
    }
    if (members.length === 0) return 'any';
    this.warnings.push(`${where}: inline object type, treated as any`);
    return 'any';
  }

  classifyReference(node, where) {
    const typeName = ts.isIdentifier(node.typeName) ? node.typeName.text : node.typeName.right.text;
    if (typeName === 'Array' && node.typeArguments?.length === 1) {
      return { list: this.classify(node.typeArguments[0], where) };
    }
    const identifier = ts.isIdentifier(node.typeName) ? node.typeName : node.typeName.right;
    const symbol = this.resolve(identifier);
    const decl = symbol?.declarations?.[0];
    if (!decl) {
      this.warnings.push(`${where}: cannot resolve ${typeName}, treated as any`);
      return 'any';
    }
    if (ts.isInterfaceDeclaration(decl)) {
      // Empty interfaces (RawExtension, FieldsV1, JSON) hold free-form JSON.
      const props = this.checker.getPropertiesOfType(this.checker.getDeclaredTypeOfSymbol(symbol));
      if (props.length === 0) return 'any';
      return this.addInterface(decl);
    }
    if (ts.isTypeAliasDeclaration(decl)) {
      if (OPAQUE_ALIASES.has(decl.name.text)) return 'any';
      return this.classify(decl.type, where);
    }
    this.warnings.push(`${where}: ${typeName} is neither interface nor alias, treated as any`);
    return 'any';
  }
}

function findInterface(program, moduleName, kind) {
  const file = program.getSourceFile(join(TYPES_DIR, `${moduleName}.d.ts`));
  if (!file) throw new Error(`kubernetes-types has no module ${moduleName} (for kind ${kind})`);
  const decl = file.statements.find((s) => ts.isInterfaceDeclaration(s) && s.name.text === kind);
  if (!decl) throw new Error(`kubernetes-types ${moduleName} declares no interface ${kind}`);
  return decl;
}

/** One type per line keeps the committed file small and its diffs readable. */
function serialize(tree) {
  const block = (obj) =>
    Object.entries(obj)
      .map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`)
      .join(',\n');
  return [
    '{',
    `  "source": ${JSON.stringify(tree.source)},`,
    `  "roots": {\n${block(tree.roots)}\n  },`,
    `  "anyVersionRoots": {\n${block(tree.anyVersionRoots)}\n  },`,
    `  "types": {\n${block(tree.types)}\n  }`,
    '}',
    '',
  ].join('\n');
}

async function main() {
  const check = process.argv.includes('--check');
  const typesVersion = JSON.parse(readFileSync(join(TYPES_DIR, 'package.json'), 'utf8')).version;
  const roots = [...(await servedResources()), ...EXTRA_ROOTS];
  const modules = [...new Set(roots.map((r) => moduleOf(r.group, r.version)))].sort();
  const { program, checker } = createChecker(modules);
  const builder = new TreeBuilder(checker);

  const rootTable = {};
  const anyVersionTable = {};
  for (const r of roots) {
    const typeName = builder.addInterface(findInterface(program, moduleOf(r.group, r.version), r.kind));
    if (r.anyVersion) anyVersionTable[r.kind] = typeName;
    else rootTable[`${apiVersionOf(r.group, r.version)}/${r.kind}`] = typeName;
  }
  const types = Object.fromEntries([...builder.types.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const text = serialize({
    source: `kubernetes-types@${typesVersion}`,
    roots: Object.fromEntries(Object.entries(rootTable).sort()),
    anyVersionRoots: Object.fromEntries(Object.entries(anyVersionTable).sort()),
    types,
  });

  for (const w of builder.warnings) process.stderr.write(`warning: ${w}\n`);
  const summary = `${Object.keys(rootTable).length + Object.keys(anyVersionTable).length} roots, ` +
    `${Object.keys(types).length} types, ${Buffer.byteLength(text)} bytes`;
  if (check) {
    let current = '';
    try {
      current = readFileSync(OUT, 'utf8');
    } catch {
      // a missing file is stale
    }
    if (current !== text) {
      process.stderr.write(`${relative(ROOT, OUT)} is stale (${summary}); run node scripts/gen-field-tree.mjs\n`);
      process.exit(1);
    }
    process.stdout.write(`${relative(ROOT, OUT)} is up to date (${summary})\n`);
    return;
  }
  writeFileSync(OUT, text);
  process.stdout.write(`wrote ${relative(ROOT, OUT)}: ${summary}\n`);
}

main().catch((err) => {
  process.stderr.write(`gen-field-tree: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
