/** One module per spec resource: `src/generated/resources/<kebab-namespace>.ts`. */
import { doc, file, HEADER, importLine, MAX_WIDTH, propKey, propLine, quote } from './format.js';
import {
  factoryName,
  modelFile,
  namespaceInterfaceName,
  namespaceOf,
  operationConstName,
  paramsInterfaceName,
  pathArgName,
  pluralize,
  resourceFile,
  words,
} from './naming.js';
import type { Spec, SpecOperation, SpecParam } from './spec.js';

/** Request parameters the pagination layer owns (resume is `options.startCursor`). */
const PAGINATION_OWNED = new Set(['cursor']);

/** TypeScript type of each spec parameter type. */
const PARAM_TYPES: Readonly<Record<string, string>> = {
  string: 'string',
  email: 'string',
  'date-time': 'string',
  int64: 'number',
  double: 'number',
  boolean: 'boolean',
  object: 'Record<string, unknown>',
  file: 'unknown',
};

/** Verbs of the common SDK methods, as they read in a summary. */
const VERBS: Readonly<Record<string, string>> = {
  list: 'Lists',
  find: 'Finds',
  get: 'Gets',
  create: 'Creates',
  update: 'Updates',
  delete: 'Deletes',
};

/** A spec operation with the names the generated code gives it. */
export interface NamedOperation {
  op: SpecOperation;
  namespace: string;
  method: string;
  id: string;
  constName: string;
  paramsName: string;
  /** Parameters other than path ones and `cursor`, in spec order. */
  params: SpecParam[];
  pathParams: SpecParam[];
}

export function nameOperation(op: SpecOperation): NamedOperation {
  const namespace = namespaceOf(op.resource);
  const method = op.sdkMethod;
  return {
    op,
    namespace,
    method,
    id: `${namespace}.${method}`,
    constName: operationConstName(op.resource, method),
    paramsName: paramsInterfaceName(op.resource, method),
    params: op.params.filter((p) => p.in !== 'path' && !PAGINATION_OWNED.has(p.name)),
    pathParams: op.pathParams.map((name) => op.params.find((p) => p.name === name)!),
  };
}

/** Operations grouped by resource, resources and operations in spec order. */
export function groupByResource(spec: Spec): Map<string, NamedOperation[]> {
  const groups = new Map<string, NamedOperation[]>();
  for (const op of spec.operations) {
    const list = groups.get(op.resource) ?? [];
    list.push(nameOperation(op));
    groups.set(op.resource, list);
  }
  return groups;
}

/** Whether the operation is sent without credentials (`POST /sessions`). */
export function isAnonymous(spec: Spec, op: SpecOperation): boolean {
  return spec.requestConventions.noApiKeyFor.some((r) => r.method === op.method && r.path === op.path);
}

// ---------------------------------------------------------------- parameter types

/** TypeScript type of a parameter, as union members when it is a union. */
function paramTypeParts(p: SpecParam): { generic?: string; members: string[] } {
  if (p.type === 'object' && (p.name === 'sort_by' || p.validFields?.length)) {
    // An empty or missing list means the docs name no field: any field is let through.
    const generic = p.name === 'sort_by' ? 'SortBy' : 'Filter';
    return { generic, members: p.validFields?.length ? p.validFields.map(quote) : ['string'] };
  }
  if (p.type === 'string' && p.enumLike?.length) {
    return { members: [...p.enumLike.map(quote), '(string & {})'] };
  }
  return { members: [tsType(p.type)] };
}

function tsType(type: string): string {
  const array = /^array\((.+)\)$/.exec(type);
  if (array) return `${tsType(array[1]!)}[]`;
  const ts = PARAM_TYPES[type];
  if (!ts) throw new Error(`Unknown parameter type "${type}"`);
  return ts;
}

/** `key?: Type;`, a long union broken one member per line. */
function typedMember(key: string, optional: boolean, parts: { generic?: string; members: string[] }, indent: number): string {
  const pad = ' '.repeat(indent);
  const head = `${pad}${propKey(key)}${optional ? '?' : ''}:`;
  const union = parts.members.join(' | ');
  const inline = parts.generic ? `${parts.generic}<${union}>` : union;
  if (head.length + 1 + inline.length + 1 <= MAX_WIDTH) return `${head} ${inline};`;
  if (parts.generic) {
    const lines = parts.members.map((m) => `${pad}  | ${m}`).join('\n');
    return `${head} ${parts.generic}<\n${lines}\n${pad}>;`;
  }
  return `${head}\n${parts.members.map((m) => `${pad}  | ${m}`).join('\n')};`;
}

function paramDoc(p: SpecParam): string | undefined {
  if (p.name === 'per_page' && p.max) return `Records per page, 1 to ${p.max}.`;
  if (p.type === 'file') return 'A file to upload.';
  return undefined;
}

function paramsInterface(named: NamedOperation): string | undefined {
  if (named.params.length === 0) return undefined;
  const members = named.params.map((p) => {
    const line = typedMember(p.name, !p.required, paramTypeParts(p), 2);
    const text = paramDoc(p);
    return text ? `${doc(text, 2)}\n${line}` : line;
  });
  return [doc(`Parameters of \`${named.id}\`.`), `export type ${named.paramsName} = {`, ...members, '};'].join('\n');
}

// ---------------------------------------------------------------- operation constants

function paramSpec(p: SpecParam, spec: Spec): Record<string, unknown> {
  const out: Record<string, unknown> = { name: p.name, type: p.type, required: p.required, in: p.in };
  if (p.max !== undefined) out.max = p.max;
  if (p.validFields?.length) out.validFields = p.validFields;
  if (p.name === 'sort_by') out.directions = p.directions ?? spec.pagination.sortDirections;
  if (p.enumLike) out.enumLike = p.enumLike;
  return out;
}

function operationConst(named: NamedOperation, spec: Spec): string {
  const { op } = named;
  const params = [...named.pathParams, ...named.params].map((p) => paramSpec(p, spec));
  const returns = op.returns ? returnsLiteral(op.returns.model, op.returns.array) : 'null';
  const lines = [
    `  id: ${quote(named.id)},`,
    `  resource: ${quote(op.resource)},`,
    `  sdkMethod: ${quote(op.sdkMethod)},`,
    `  method: ${quote(op.method)},`,
    `  path: ${quote(op.path)},`,
    propLine('pathParams', op.pathParams),
    propLine('params', params),
    `  paginated: ${op.paginated},`,
    `  returns: ${returns},`,
    `  status: ${op.status},`,
  ];
  if (isAnonymous(spec, op)) lines.push('  anonymous: true,');
  return [doc(`\`${op.method} ${op.path}\``), `export const ${named.constName}: OperationSpec = {`, ...lines, '};'].join('\n');
}

/** `{ model, array }`, on one line when it fits. (The model's schema is looked up by name when a response is validated.) */
function returnsLiteral(model: string, array: boolean): string {
  const fields = [`model: ${quote(model)}`, `array: ${array}`];
  const inline = `{ ${fields.join(', ')} }`;
  if (`  returns: ${inline},`.length <= MAX_WIDTH) return inline;
  return `{\n${fields.map((f) => `    ${f},`).join('\n')}\n  }`;
}

// ---------------------------------------------------------------- namespace

function article(noun: string): string {
  return /^([aeio]|u[^s])/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

/** One-line summary of an operation: "Lists users", "Finds a user", "Resend welcome email". */
export function summary(named: NamedOperation): string {
  const { op, method } = named;
  const model = words(op.returns?.model ?? op.resource);
  const [first = '', ...rest] = words(method).split(' ');
  const verb = VERBS[first];
  if (verb && rest.length === 0) {
    return `${verb} ${op.returns?.array ? words(named.namespace) : article(words(op.resource))}`;
  }
  if (verb && rest.join(' ') === 'for' && named.pathParams[0]) {
    return `${verb} ${pluralize(model)} for ${article(words(named.pathParams[0].name))}`;
  }
  const sentence = words(method);
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

function returnType(op: SpecOperation): string {
  if (!op.returns) return 'Promise<void>';
  const model = op.returns.model;
  if (op.paginated) return `Paginated<${model}>`;
  return op.returns.array ? `Promise<${model}[]>` : `Promise<${model}>`;
}

function pathArgType(p: SpecParam): string {
  return p.type === 'int64' ? 'number' : 'string';
}

function paramsArgType(named: NamedOperation): { type: string; optional: boolean } {
  if (named.params.length === 0) return { type: 'NoParams', optional: true };
  return { type: named.paramsName, optional: !named.params.some((p) => p.required) };
}

/** The method signature, e.g. `find(id: number, params?: NoParams, options?: CallOptions): Promise<User>;`. */
export function signatureOf(named: NamedOperation): string {
  const { type, optional } = paramsArgType(named);
  const options = named.op.paginated ? 'ListCallOptions' : 'CallOptions';
  const args = [
    ...named.pathParams.map((p) => `${pathArgName(p.name)}: ${pathArgType(p)}`),
    `params${optional ? '?' : ''}: ${type}`,
    `options?: ${options}`,
  ];
  return `${named.method}(${args.join(', ')}): ${returnType(named.op)};`;
}

function methodDoc(named: NamedOperation): string {
  const { op } = named;
  const route = `\`${op.method} ${op.path}\``;
  return `${summary(named)}: ${route}${op.paginated ? ' (paginated)' : ''}.`;
}

function namespaceInterface(namespace: string, resource: string, ops: NamedOperation[]): string {
  const members = ops.map((named) => `${doc(methodDoc(named), 2)}\n${wrapSignature(signatureOf(named))}`);
  return [
    doc(`\`client.${namespace}\`: the ${words(resource)} operations.`),
    `export interface ${namespaceInterfaceName(namespace)} {`,
    members.join('\n'),
    '}',
  ].join('\n');
}

/** An interface method signature, its arguments one per line when too long. */
function wrapSignature(sig: string): string {
  const line = `  ${sig}`;
  if (line.length <= MAX_WIDTH) return line;
  const open = sig.indexOf('(');
  const close = sig.lastIndexOf('):');
  const args = sig.slice(open + 1, close).split(', ');
  return `  ${sig.slice(0, open)}(\n${args.map((a) => `    ${a},`).join('\n')}\n  ${sig.slice(close)}`;
}

function factoryMethod(named: NamedOperation): string {
  const pathArgs = named.pathParams.map((p) => pathArgName(p.name));
  const call = named.op.paginated ? 'list' : 'call';
  const cast = returnType(named.op);
  const head = `    ${propKey(named.method)}: (${[...pathArgs, 'params', 'options'].join(', ')}) =>`;
  const args = [named.constName, `[${pathArgs.join(', ')}]`, 'params', 'options'];
  const body = `ctx.${call}(${args.join(', ')}) as ${cast},`;
  if (`${head} ${body}`.length <= MAX_WIDTH) return `${head} ${body}`;
  if (`      ${body}`.length <= MAX_WIDTH) return `${head}\n      ${body}`;
  return `${head}\n      ctx.${call}(\n${args.map((a) => `        ${a},`).join('\n')}\n      ) as ${cast},`;
}

/** `export function f(ctx: ApiContext): T {`, its argument on its own line when too long. */
function wrapFunctionHead(line: string): string {
  if (line.length <= MAX_WIDTH) return line;
  return line.replace('(ctx: ApiContext)', '(\n  ctx: ApiContext,\n)');
}

function factory(namespace: string, ops: NamedOperation[]): string {
  const name = namespaceInterfaceName(namespace);
  return [
    doc(`Builds \`client.${namespace}\` on a client's API context.`),
    wrapFunctionHead(`export function ${factoryName(namespace)}(ctx: ApiContext): ${name} {`),
    '  return {',
    ...ops.map(factoryMethod),
    '  };',
    '}',
  ].join('\n');
}

/** The source of one resource module. */
export function resourceModule(resource: string, ops: NamedOperation[], spec: Spec): string {
  const namespace = ops[0]!.namespace;
  const models = [...new Set(ops.flatMap((n) => (n.op.returns ? [n.op.returns.model] : [])))].sort();
  const contextTypes = ['ApiContext'];
  if (ops.some((n) => !n.op.paginated)) contextTypes.push('CallOptions');
  if (ops.some((n) => n.op.paginated)) contextTypes.push('ListCallOptions');
  const helperTypes = new Set<string>();
  for (const named of ops) {
    if (named.params.length === 0) helperTypes.add('NoParams');
    for (const p of named.params) {
      const generic = paramTypeParts(p).generic;
      if (generic) helperTypes.add(generic);
    }
  }
  const imports = [
    importLine(contextTypes, '../../api/context.js', true),
    importLine(['OperationSpec'], '../../api/operation.js', true),
    helperTypes.size > 0 && importLine([...helperTypes], '../../api/params.js', true),
    ops.some((n) => n.op.paginated) && importLine(['Paginated'], '../../pagination/paginated.js', true),
    ...models.map((model) =>
      importLine([model], `../models/${modelFile(model).replace(/\.ts$/, '.js')}`, true),
    ),
  ].filter((line): line is string => Boolean(line));
  return file(
    HEADER,
    imports.join('\n'),
    ...ops.flatMap((named) => [paramsInterface(named), operationConst(named, spec)]),
    namespaceInterface(namespace, resource, ops),
    factory(namespace, ops),
  );
}

/** Every resource module, keyed by path relative to the repository root. */
export function resourceModules(spec: Spec): Map<string, string> {
  const out = new Map<string, string>();
  for (const [resource, ops] of groupByResource(spec)) {
    out.set(`src/generated/resources/${resourceFile(resource)}`, resourceModule(resource, ops, spec));
  }
  return out;
}
