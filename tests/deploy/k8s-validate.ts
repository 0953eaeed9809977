/**
 * Offline validation of Kubernetes manifests with the npm package kubernetes-models, in two passes:
 *
 * 1. schema: `new Model(doc).validate()` runs the OpenAPI schema of the object's apiVersion/kind (types,
 *    required fields, formats such as int32 and quantities);
 * 2. strict fields: the schema check lets unknown fields through (a typo like `readinessprobe` would pass,
 *    and the API server would reject or drop it), so every manifest is also type-checked with TypeScript
 *    against kubernetes-models' interfaces, where excess-property checks reject any field that does not exist.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type Manifest = Record<string, unknown> & { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };

/** "apps/v1" + "Deployment" -> the kubernetes-models module path (core group: "v1/Service"). */
function modelPath(doc: Manifest): { specifier: string; kind: string } {
  if (typeof doc.apiVersion !== 'string' || typeof doc.kind !== 'string')
    throw new Error(`manifest without apiVersion/kind: ${JSON.stringify(doc).slice(0, 120)}`);
  if (!/^[a-z0-9.-]+(\/v[0-9a-z]+)?$/.test(doc.apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(doc.kind))
    throw new Error(`unexpected apiVersion/kind ${doc.apiVersion} ${doc.kind}`);
  return { specifier: `kubernetes-models/${doc.apiVersion}/${doc.kind}`, kind: doc.kind };
}

export function describe(doc: Manifest): string {
  return `${String(doc.kind)}/${String(doc.metadata?.name ?? '?')}`;
}

/** Pass 1: the OpenAPI schema. Throws with the schema errors. */
export async function validateSchema(doc: Manifest): Promise<void> {
  const { specifier, kind } = modelPath(doc);
  let module: Record<string, unknown>;
  try {
    module = (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`no kubernetes-models schema for ${doc.apiVersion} ${kind}: ${(error as Error).message}`, { cause: error });
  }
  const Model = module[kind] as new (data: unknown) => { validate(): void };
  try {
    new Model(doc).validate();
  } catch (error) {
    throw new Error(`${describe(doc)} fails the ${doc.apiVersion} ${kind} schema: ${(error as Error).message}`, { cause: error });
  }
}

/** Pass 2: every field must exist in the Kubernetes API types. Returns the TypeScript diagnostics (empty = fine). */
export function strictFieldErrors(docs: Manifest[]): string[] {
  const fileName = path.join(REPO, 'tests/deploy/__rendered-manifests__.ts');
  const lines: string[] = [];
  docs.forEach((doc, i) => {
    const { specifier, kind } = modelPath(doc);
    lines.push(`import type { I${kind} as T${i} } from ${JSON.stringify(specifier)};`);
  });
  docs.forEach((doc, i) => {
    // A `// <kind/name>` marker before each object lets a diagnostic be traced back to its manifest.
    lines.push(`// ${describe(doc)}`, `export const m${i}: T${i} = ${JSON.stringify(doc, null, 2)};`);
  });
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, ...rest) =>
    path.resolve(name) === fileName
      ? ts.createSourceFile(name, source, languageVersion, true)
      : getSourceFile(name, languageVersion, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => path.resolve(name) === fileName || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (path.resolve(name) === fileName ? source : readFile(name));
  const program = ts.createProgram([fileName], options, host);
  const sourceLines = source.split('\n');
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return message;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    let owner = '';
    for (let l = line; l >= 0; l--)
      if (sourceLines[l]!.startsWith('// ')) {
        owner = sourceLines[l]!.slice(3);
        break;
      }
    return `${owner || path.basename(d.file.fileName)} (line ${line + 1} of the generated check: ${sourceLines[line]!.trim()}): ${message}`;
  });
}
