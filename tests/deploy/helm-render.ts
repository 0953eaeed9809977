/**
 * A small renderer for the subset of Helm's template language (Go text/template + a few Sprig functions) that
 * deploy/helm/sluice uses, so the chart can be rendered and validated on machines without a `helm` binary.
 *
 * Strict on purpose: an action, function or syntax it does not know throws, and so does printing a missing
 * value or reaching through one, so a chart that renders here uses nothing this renderer only pretends to
 * support. It is not Helm: whitespace and toYaml formatting may differ in details (YAML-equivalent output).
 *
 * Supported: {{ }} with {{- -}} trimming and comments; if / else / else if / end; range (lists and maps, with
 * `$v :=` or `$k, $v :=`); with; define + include; fields (.Values.a.b, $.Values, $var.field); literals;
 * (sub-pipelines); pipes. Functions: include quote default toYaml nindent indent int toString trunc
 * trimSuffix printf contains not and or eq ne gt lt ge le empty fail required upper lower b64enc.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

type Value = unknown;
type Scope = { dot: Value; vars: Record<string, Value> };

type Node =
  | { type: 'text'; text: string }
  | { type: 'print'; expr: string; where: string }
  | { type: 'if'; cond: string; then: Node[]; else: Node[]; where: string }
  | { type: 'range'; vars: string[]; expr: string; body: Node[]; else: Node[]; where: string }
  | { type: 'with'; expr: string; body: Node[]; else: Node[]; where: string };

interface Block {
  nodes: Node[];
  kind: 'root' | 'if' | 'range' | 'with' | 'define';
  node?: Node;
  inElse?: boolean;
  defineName?: string;
  elseIfDepth?: number;
}

export class TemplateError extends Error {}

// ---- parsing ------------------------------------------------------------------------------------------------

const ACTION = /\{\{(-[ \t\r\n])?\s*([\s\S]*?)\s*([ \t\r\n]-)?\}\}/g;

function parseTemplate(source: string, file: string, defines: Map<string, Node[]>): Node[] {
  // Split into text and actions, applying the trim markers.
  const parts: ({ text: string } | { action: string; where: string })[] = [];
  let last = 0;
  let trimNext = false;
  for (const match of source.matchAll(ACTION)) {
    let text = source.slice(last, match.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (match[1]) text = text.replace(/\s+$/, '');
    parts.push({ text });
    const line = source.slice(0, match.index).split('\n').length;
    parts.push({ action: match[2]!, where: `${file}:${line}` });
    trimNext = Boolean(match[3]);
    last = match.index! + match[0].length;
  }
  let tail = source.slice(last);
  if (trimNext) tail = tail.replace(/^\s+/, '');
  parts.push({ text: tail });

  const root: Block = { nodes: [], kind: 'root' };
  const stack: Block[] = [root];
  const top = () => stack[stack.length - 1]!;
  const branch = (block: Block): Node[] => {
    const node = block.node as Extract<Node, { else: Node[] }> | undefined;
    if (block.inElse && node) return node.else;
    if (node?.type === 'if') return node.then;
    if (node?.type === 'range' || node?.type === 'with') return node.body;
    return block.nodes;
  };

  for (const part of parts) {
    if ('text' in part) {
      if (part.text) branch(top()).push({ type: 'text', text: part.text });
      continue;
    }
    const { action, where } = part;
    if (action.startsWith('/*')) {
      if (!action.endsWith('*/')) throw new TemplateError(`${where}: unterminated comment`);
      continue;
    }
    const [keyword, rest] = splitKeyword(action);
    switch (keyword) {
      case 'if': {
        const node: Node = { type: 'if', cond: rest, then: [], else: [], where };
        branch(top()).push(node);
        stack.push({ nodes: [], kind: 'if', node });
        break;
      }
      case 'range': {
        const m = /^(?:(\$\w+)(?:\s*,\s*(\$\w+))?\s*:=\s*)?([\s\S]+)$/.exec(rest);
        if (!m) throw new TemplateError(`${where}: cannot parse range "${rest}"`);
        const vars = [m[1], m[2]].filter(Boolean) as string[];
        const node: Node = { type: 'range', vars, expr: m[3]!, body: [], else: [], where };
        branch(top()).push(node);
        stack.push({ nodes: [], kind: 'range', node });
        break;
      }
      case 'with': {
        const node: Node = { type: 'with', expr: rest, body: [], else: [], where };
        branch(top()).push(node);
        stack.push({ nodes: [], kind: 'with', node });
        break;
      }
      case 'define': {
        const name = /^"([^"]+)"$/.exec(rest)?.[1];
        if (!name) throw new TemplateError(`${where}: define needs a quoted name`);
        if (stack.length !== 1) throw new TemplateError(`${where}: define inside another block`);
        stack.push({ nodes: [], kind: 'define', defineName: name });
        break;
      }
      case 'else': {
        const block = top();
        if (block.kind === 'root' || block.kind === 'define' || block.inElse) throw new TemplateError(`${where}: unexpected else`);
        block.inElse = true;
        const elseIf = /^if\s+([\s\S]+)$/.exec(rest);
        if (elseIf) {
          // `else if X` = else { if X ... } closed by the same `end`.
          const node: Node = { type: 'if', cond: elseIf[1]!, then: [], else: [], where };
          branch(block).push(node);
          stack.push({ nodes: [], kind: 'if', node, elseIfDepth: 1 });
        } else if (rest) {
          throw new TemplateError(`${where}: unsupported "else ${rest}"`);
        }
        break;
      }
      case 'end': {
        if (rest) throw new TemplateError(`${where}: unexpected "${rest}" after end`);
        let block = stack.pop();
        if (!block || block.kind === 'root') throw new TemplateError(`${where}: end without a block`);
        while (block.elseIfDepth) {
          block = stack.pop();
          if (!block || block.kind === 'root') throw new TemplateError(`${where}: end without a block`);
        }
        if (block.kind === 'define') defines.set(block.defineName!, block.nodes);
        break;
      }
      case 'block':
      case 'template':
      case 'break':
      case 'continue':
        throw new TemplateError(`${where}: "${keyword}" is not supported by this renderer`);
      default:
        if (/^\$\w+\s*:?=/.test(action)) throw new TemplateError(`${where}: variable assignment is not supported by this renderer`);
        branch(top()).push({ type: 'print', expr: action, where });
    }
  }
  if (stack.length !== 1) throw new TemplateError(`${file}: ${stack.length - 1} block(s) not closed with end`);
  return root.nodes;
}

function splitKeyword(action: string): [string, string] {
  const m = /^(if|else|end|range|with|define|block|template|break|continue)\b\s*([\s\S]*)$/.exec(action);
  return m ? [m[1]!, m[2]!.trim()] : ['', action];
}

// ---- expressions --------------------------------------------------------------------------------------------

type Token = { kind: 'string' | 'number' | 'ident' | 'field' | 'var' | 'dot' | 'pipe' | 'open' | 'close'; text: string; value?: Value };

function tokenize(expr: string, where: string): Token[] {
  const tokens: Token[] = [];
  const re =
    /\s*(?:("(?:[^"\\]|\\.)*")|(`[^`]*`)|(-?\d+(?:\.\d+)?)|(\|)|(\()|(\))|(\$\w*(?:\.\w+)*)|(\.(?:\w+(?:\.\w+)*)?)|([A-Za-z_]\w*))/y;
  let index = 0;
  while (index < expr.length) {
    if (/^\s*$/.test(expr.slice(index))) break;
    re.lastIndex = index;
    const m = re.exec(expr);
    if (!m) throw new TemplateError(`${where}: cannot parse "${expr.slice(index)}"`);
    index = re.lastIndex;
    if (m[1]) tokens.push({ kind: 'string', text: m[1], value: JSON.parse(m[1]) });
    else if (m[2]) tokens.push({ kind: 'string', text: m[2], value: m[2].slice(1, -1) });
    else if (m[3]) tokens.push({ kind: 'number', text: m[3], value: Number(m[3]) });
    else if (m[4]) tokens.push({ kind: 'pipe', text: '|' });
    else if (m[5]) tokens.push({ kind: 'open', text: '(' });
    else if (m[6]) tokens.push({ kind: 'close', text: ')' });
    else if (m[7]) tokens.push({ kind: 'var', text: m[7] });
    else if (m[8]) tokens.push({ kind: m[8] === '.' ? 'dot' : 'field', text: m[8] });
    else tokens.push({ kind: 'ident', text: m[9]! });
  }
  return tokens;
}

type Term =
  | { kind: 'literal'; value: Value }
  | { kind: 'path'; base: 'dot' | string; fields: string[]; text: string }
  | { kind: 'ident'; name: string }
  | { kind: 'sub'; pipeline: Term[][] };

function parsePipeline(tokens: Token[], where: string): Term[][] {
  let pos = 0;
  const pipeline = (): Term[][] => {
    const commands: Term[][] = [[]];
    while (pos < tokens.length) {
      const token = tokens[pos]!;
      if (token.kind === 'close') break;
      pos++;
      if (token.kind === 'pipe') {
        commands.push([]);
        continue;
      }
      const command = commands[commands.length - 1]!;
      if (token.kind === 'open') {
        const inner = pipeline();
        if (tokens[pos]?.kind !== 'close') throw new TemplateError(`${where}: missing )`);
        pos++;
        command.push({ kind: 'sub', pipeline: inner });
      } else if (token.kind === 'string' || token.kind === 'number') {
        command.push({ kind: 'literal', value: token.value });
      } else if (token.kind === 'ident') {
        if (token.text === 'true' || token.text === 'false') command.push({ kind: 'literal', value: token.text === 'true' });
        else if (token.text === 'nil') command.push({ kind: 'literal', value: null });
        else command.push({ kind: 'ident', name: token.text });
      } else if (token.kind === 'dot') {
        command.push({ kind: 'path', base: 'dot', fields: [], text: '.' });
      } else if (token.kind === 'field') {
        command.push({ kind: 'path', base: 'dot', fields: token.text.slice(1).split('.'), text: token.text });
      } else {
        const [name, ...fields] = token.text.split('.');
        command.push({ kind: 'path', base: name!, fields, text: token.text });
      }
    }
    if (commands.some((c) => c.length === 0)) throw new TemplateError(`${where}: empty command in pipeline`);
    return commands;
  };
  const result = pipeline();
  if (pos !== tokens.length) throw new TemplateError(`${where}: unexpected )`);
  return result;
}

export function isTruthy(value: Value): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value as object).length > 0;
  return true;
}

function goString(value: Value, where: string): string {
  if (value === undefined || value === null) throw new TemplateError(`${where}: prints a missing value`);
  if (typeof value === 'object') throw new TemplateError(`${where}: prints a map or list (use toYaml)`);
  return String(value);
}

function indentLines(n: number, text: string): string {
  const pad = ' '.repeat(n);
  return text
    .split('\n')
    .map((line) => pad + line)
    .join('\n');
}

class Renderer {
  constructor(private readonly defines: Map<string, Node[]>) {}

  render(nodes: Node[], scope: Scope): string {
    let out = '';
    for (const node of nodes) {
      switch (node.type) {
        case 'text':
          out += node.text;
          break;
        case 'print':
          out += goString(this.evalExpr(node.expr, scope, node.where), node.where);
          break;
        case 'if':
          out += this.render(isTruthy(this.evalExpr(node.cond, scope, node.where)) ? node.then : node.else, scope);
          break;
        case 'with': {
          const value = this.evalExpr(node.expr, scope, node.where);
          out += isTruthy(value) ? this.render(node.body, { dot: value, vars: scope.vars }) : this.render(node.else, scope);
          break;
        }
        case 'range': {
          const value = this.evalExpr(node.expr, scope, node.where);
          const entries: [Value, Value][] = Array.isArray(value)
            ? value.map((v, i) => [i, v])
            : value && typeof value === 'object'
              ? Object.keys(value)
                  .sort()
                  .map((k) => [k, (value as Record<string, Value>)[k]])
              : value === undefined || value === null
                ? []
                : (() => {
                    throw new TemplateError(`${node.where}: range over a ${typeof value}`);
                  })();
          if (entries.length === 0) out += this.render(node.else, scope);
          for (const [key, item] of entries) {
            const vars = { ...scope.vars };
            if (node.vars.length === 1) vars[node.vars[0]!] = item;
            if (node.vars.length === 2) Object.assign(vars, { [node.vars[0]!]: key, [node.vars[1]!]: item });
            out += this.render(node.body, { dot: item, vars });
          }
          break;
        }
      }
    }
    return out;
  }

  include(name: string, dot: Value, where: string): string {
    const body = this.defines.get(name);
    if (!body) throw new TemplateError(`${where}: include of unknown template "${name}"`);
    // Like Go's template execution: inside the named template both `.` and `$` are the data passed in.
    return this.render(body, { dot, vars: { $: dot } });
  }

  private evalExpr(expr: string, scope: Scope, where: string): Value {
    return this.evalPipeline(parsePipeline(tokenize(expr, where), where), scope, where);
  }

  private evalPipeline(pipeline: Term[][], scope: Scope, where: string): Value {
    let previous: Value;
    pipeline.forEach((command, index) => {
      const [head, ...args] = command;
      const piped = index > 0 ? [previous] : [];
      if (head!.kind === 'ident') {
        previous = this.call(head!.name, [...args.map((a) => this.evalTerm(a, scope, where)), ...piped], where);
      } else {
        if (args.length > 0 || piped.length > 0) throw new TemplateError(`${where}: cannot give arguments to a non-function`);
        previous = this.evalTerm(head!, scope, where);
      }
    });
    return previous;
  }

  private evalTerm(term: Term, scope: Scope, where: string): Value {
    switch (term.kind) {
      case 'literal':
        return term.value;
      case 'sub':
        return this.evalPipeline(term.pipeline, scope, where);
      case 'ident':
        return this.call(term.name, [], where);
      case 'path': {
        let value: Value;
        if (term.base === 'dot') value = scope.dot;
        else if (term.base in scope.vars) value = scope.vars[term.base];
        else throw new TemplateError(`${where}: undefined variable ${term.base}`);
        for (const [i, field] of term.fields.entries()) {
          if (value === undefined || value === null)
            throw new TemplateError(`${where}: nil pointer evaluating ${term.text} (at .${term.fields.slice(0, i).join('.')})`);
          if (typeof value !== 'object') throw new TemplateError(`${where}: ${term.text}: cannot take field ${field} of a ${typeof value}`);
          value = (value as Record<string, Value>)[field];
        }
        return value;
      }
    }
  }

  private call(name: string, args: Value[], where: string): Value {
    const need = (n: number) => {
      if (args.length !== n) throw new TemplateError(`${where}: ${name} takes ${n} argument(s), got ${args.length}`);
    };
    const str = (v: Value) => (v === undefined || v === null ? '' : goString(v, where));
    const num = (v: Value) => {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : v === undefined || v === null ? 0 : NaN;
      if (Number.isNaN(n)) throw new TemplateError(`${where}: ${name}: ${JSON.stringify(v)} is not a number`);
      return n;
    };
    switch (name) {
      case 'include':
        need(2);
        return this.include(String(args[0]), args[1], where);
      case 'quote':
        need(1);
        return JSON.stringify(str(args[0]));
      case 'default':
        need(2);
        return isTruthy(args[1]) ? args[1] : args[0];
      case 'empty':
        need(1);
        return !isTruthy(args[0]);
      case 'toYaml':
        need(1);
        return args[0] === undefined || args[0] === null ? 'null' : YAML.stringify(args[0], { lineWidth: 0 }).trimEnd();
      case 'nindent':
        need(2);
        return '\n' + indentLines(num(args[0]), str(args[1]));
      case 'indent':
        need(2);
        return indentLines(num(args[0]), str(args[1]));
      case 'int':
        need(1);
        return Math.trunc(num(args[0]));
      case 'toString':
        need(1);
        return str(args[0]);
      case 'upper':
        need(1);
        return str(args[0]).toUpperCase();
      case 'lower':
        need(1);
        return str(args[0]).toLowerCase();
      case 'b64enc':
        need(1);
        return Buffer.from(str(args[0]), 'utf8').toString('base64');
      case 'trunc':
        need(2);
        return str(args[1]).slice(0, num(args[0]));
      case 'trimSuffix':
        need(2);
        return str(args[1]).endsWith(str(args[0])) && str(args[0]) ? str(args[1]).slice(0, -str(args[0]).length) : str(args[1]);
      case 'contains':
        need(2);
        return str(args[1]).includes(str(args[0]));
      case 'printf': {
        if (args.length < 1) throw new TemplateError(`${where}: printf needs a format`);
        const rest = args.slice(1);
        const out = str(args[0]).replace(/%([sdv%])/g, (_m, verb: string) => {
          if (verb === '%') return '%';
          if (rest.length === 0) throw new TemplateError(`${where}: printf: too few arguments`);
          const value = rest.shift();
          return verb === 'd' ? String(Math.trunc(num(value))) : str(value);
        });
        if (rest.length) throw new TemplateError(`${where}: printf: too many arguments`);
        return out;
      }
      case 'not':
        need(1);
        return !isTruthy(args[0]);
      case 'and':
        if (args.length < 2) throw new TemplateError(`${where}: and needs 2+ arguments`);
        return args.find((a) => !isTruthy(a)) ?? args[args.length - 1];
      case 'or':
        if (args.length < 2) throw new TemplateError(`${where}: or needs 2+ arguments`);
        return args.find((a) => isTruthy(a)) ?? args[args.length - 1];
      case 'eq':
        need(2);
        return args[0] === args[1];
      case 'ne':
        need(2);
        return args[0] !== args[1];
      case 'gt':
      case 'lt':
      case 'ge':
      case 'le': {
        need(2);
        const [a, b] = [num(args[0]), num(args[1])];
        return name === 'gt' ? a > b : name === 'lt' ? a < b : name === 'ge' ? a >= b : a <= b;
      }
      case 'fail':
        need(1);
        throw new TemplateError(`execution error at (${where}): ${str(args[0])}`);
      case 'required':
        need(2);
        if (!isTruthy(args[1]) && args[1] !== false && args[1] !== 0)
          throw new TemplateError(`execution error at (${where}): ${str(args[0])}`);
        return args[1];
      default:
        throw new TemplateError(`${where}: function "${name}" is not supported by this renderer`);
    }
  }
}

// ---- charts -------------------------------------------------------------------------------------------------

function isPlainObject(value: Value): value is Record<string, Value> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Helm's values merge: maps merge recursively, anything else (lists too) replaces. */
export function mergeValues(base: Value, override: Value): Value {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const out: Record<string, Value> = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = key in base ? mergeValues(base[key], value) : value;
  return out;
}

export interface RenderOptions {
  releaseName?: string;
  namespace?: string;
  /** Merged over the chart's values.yaml, like `helm template -f`. */
  values?: Record<string, Value>;
}

export interface RenderedFile {
  template: string;
  text: string;
  /** The YAML documents of the file, empty ones dropped. */
  documents: Record<string, unknown>[];
}

/** Renders every template of a chart like `helm template` (not _*.tpl; NOTES.txt as text, no documents). */
export function renderChart(chartDir: string, options: RenderOptions = {}): RenderedFile[] {
  const chart = YAML.parse(readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
  const values = mergeValues(YAML.parse(readFileSync(path.join(chartDir, 'values.yaml'), 'utf8')) ?? {}, options.values ?? {});
  const templatesDir = path.join(chartDir, 'templates');
  const files = readdirSync(templatesDir)
    .filter((f) => /\.(ya?ml|tpl|txt)$/.test(f))
    .sort();
  const defines = new Map<string, Node[]>();
  const parsed = files.map((file) => ({
    file,
    nodes: parseTemplate(readFileSync(path.join(templatesDir, file), 'utf8'), `templates/${file}`, defines),
  }));
  const capitalised = Object.fromEntries(Object.entries(chart).map(([k, v]) => [k[0]!.toUpperCase() + k.slice(1), v]));
  const root = {
    Values: values,
    Chart: capitalised,
    Release: {
      Name: options.releaseName ?? 'sluice',
      Namespace: options.namespace ?? 'default',
      Service: 'Helm',
      IsInstall: true,
      IsUpgrade: false,
      Revision: 1,
    },
    Capabilities: { KubeVersion: { Version: 'v1.30.0', Major: '1', Minor: '30' } },
  };
  const renderer = new Renderer(defines);
  return parsed
    .filter(({ file }) => !file.startsWith('_'))
    .map(({ file, nodes }) => {
      const top = { ...root, Template: { Name: `${chart.name}/templates/${file}`, BasePath: `${chart.name}/templates` } };
      const text = renderer.render(nodes, { dot: top, vars: { $: top } });
      if (file.endsWith('.txt')) return { template: file, text, documents: [] };
      const documents = YAML.parseAllDocuments(text)
        .map((doc) => {
          if (doc.errors.length) throw new TemplateError(`templates/${file} renders invalid YAML: ${doc.errors[0]!.message}\n${text}`);
          return doc.toJS() as Record<string, unknown> | null;
        })
        .filter((d): d is Record<string, unknown> => d !== null && d !== undefined);
      return { template: file, text, documents };
    });
}
