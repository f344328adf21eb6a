/**
 * The AWS query protocol's form parameters as a tree: `a.1.b=x` → `{ a: { 1: { b: 'x' } } }`.
 * Lists and maps are flattened into numbered names (`Attribute.1.Name`, `Tags.member.2.Key`);
 * `numbered` reads such a node back as a list, in number order.
 */
export type QueryTree = { [key: string]: string | QueryTree };

export function queryTree(params: URLSearchParams): QueryTree {
  const root: QueryTree = {};
  for (const [name, value] of params) {
    const path = name.split('.');
    let node = root;
    path.slice(0, -1).forEach((segment) => {
      if (typeof node[segment] !== 'object') node[segment] = {};
      node = node[segment] as QueryTree;
    });
    node[path[path.length - 1]!] = value;
  }
  return root;
}

/** The numbered children of a node (`1`, `2`, …) in order; a plain value is a list of one. */
export function numbered(node: string | QueryTree | undefined): (string | QueryTree)[] {
  if (node === undefined) return [];
  if (typeof node === 'string') return [node];
  return Object.keys(node)
    .filter((key) => /^\d+$/.test(key))
    .sort((a, b) => Number(a) - Number(b))
    .map((key) => node[key]!);
}
