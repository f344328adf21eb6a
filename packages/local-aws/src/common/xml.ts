import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** Escapes text for an XML element's content. */
export function escapeXml(value: string): string {
  return value.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);
}

export type XmlValue = string | number | boolean | undefined | XmlNode | XmlValue[];
export interface XmlNode {
  [element: string]: XmlValue;
}

/**
 * Serialises `{ Name: value }` as `<Name>value</Name>`; arrays repeat the element, `undefined`
 * is left out. Enough for AWS's XML responses, with no attributes but the root's namespace.
 */
export function toXml(root: string, body: XmlNode, namespace?: string): string {
  const render = (name: string, value: XmlValue): string => {
    if (value === undefined) return '';
    if (Array.isArray(value)) return value.map((item) => render(name, item)).join('');
    if (typeof value === 'object')
      return `<${name}>${Object.entries(value)
        .map(([child, v]) => render(child, v))
        .join('')}</${name}>`;
    return `<${name}>${escapeXml(String(value))}</${name}>`;
  };
  const xmlns = namespace ? ` xmlns="${namespace}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${xmlns}>${Object.entries(body)
    .map(([name, value]) => render(name, value))
    .join('')}</${root}>`;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) =>
    ['Part', 'Object', 'QueueConfiguration', 'CloudFunctionConfiguration', 'TopicConfiguration', 'Event', 'FilterRule', 'Tag'].includes(
      name,
    ),
});

/** Parses a request body; element text stays a string; elements that may repeat (`Part`, `Object`, notification configurations, `Event`, `FilterRule`) are always arrays. */
export function parseXml(text: string): Record<string, unknown> {
  return parser.parse(text) as Record<string, unknown>;
}

/** Whether a text is well-formed XML (fast-xml-parser's validator; the parser itself accepts broken input). */
export function isWellFormedXml(text: string): boolean {
  return XMLValidator.validate(text) === true;
}
