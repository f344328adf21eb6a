import { randomUUID } from 'node:crypto';
import { toXml } from '../common/xml';
import type { XmlNode, XmlValue } from '../common/xml';
import { SqsError } from './sqsErrors';
import { numbered, queryTree as toTree } from '../common/queryParams';
import type { QueryTree as Tree } from '../common/queryParams';

const QUERY_NAMESPACE = 'http://queue.amazonaws.com/doc/2012-11-05/';

/**
 * The query protocol (form-encoded `Action=…`, XML replies) mapped onto the JSON protocol's
 * shapes, so one implementation serves both. Query flattens lists and maps into numbered
 * parameters: `SendMessageBatchRequestEntry.1.Id`, `Attribute.1.Name` / `Attribute.1.Value`,
 * `MessageAttribute.1.Value.StringValue`, `AttributeName.1`.
 */
const QUERY_LISTS: Record<string, string> = {
  SendMessageBatchRequestEntry: 'Entries',
  DeleteMessageBatchRequestEntry: 'Entries',
  ChangeMessageVisibilityBatchRequestEntry: 'Entries',
  AttributeName: 'AttributeNames',
  MessageSystemAttributeName: 'MessageSystemAttributeNames',
  MessageAttributeName: 'MessageAttributeNames',
  TagKey: 'TagKeys',
};
const QUERY_MAPS: Record<string, string> = { Attribute: 'Attributes', MessageAttribute: 'MessageAttributes', Tag: 'tags' };

/** Converts a query request's parameters to `{ action, input }` in JSON shapes. */
export function fromQuery(params: URLSearchParams): { action: string; input: Record<string, unknown> } {
  const tree = toTree(params);
  const action = String(tree.Action ?? '');
  const input: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(tree)) {
    if (name === 'Action' || name === 'Version') continue;
    if (name in QUERY_LISTS) input[QUERY_LISTS[name]!] = numbered(value).map(entryFromTree);
    else if (name in QUERY_MAPS) {
      input[QUERY_MAPS[name]!] = Object.fromEntries(
        numbered(value).map((entry) => {
          const { Name, Key, Value } = entry as Tree;
          return [String(Name ?? Key), typeof Value === 'object' ? entryFromTree(Value) : Value];
        }),
      );
    } else input[name] = typeof value === 'object' ? entryFromTree(value) : value;
  }
  return { action, input };
}

function entryFromTree(node: string | Tree): unknown {
  if (typeof node === 'string') return node;
  const entry: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key in QUERY_MAPS) {
      entry[QUERY_MAPS[key]!] = Object.fromEntries(
        numbered(value).map((item) => {
          const { Name, Value } = item as Tree;
          return [String(Name), typeof Value === 'object' ? entryFromTree(Value) : Value];
        }),
      );
    } else entry[key] = typeof value === 'object' ? entryFromTree(value) : value;
  }
  return entry;
}

/** Element names the query protocol uses for list members and result entries. */
const RESULT_ENTRIES: Record<string, Record<string, string>> = {
  SendMessageBatch: { Successful: 'SendMessageBatchResultEntry', Failed: 'BatchResultErrorEntry' },
  DeleteMessageBatch: { Successful: 'DeleteMessageBatchResultEntry', Failed: 'BatchResultErrorEntry' },
  ChangeMessageVisibilityBatch: { Successful: 'ChangeMessageVisibilityBatchResultEntry', Failed: 'BatchResultErrorEntry' },
  ReceiveMessage: { Messages: 'Message' },
  ListQueues: { QueueUrls: 'QueueUrl' },
  ListMessageMoveTasks: { Results: 'ListMessageMoveTasksResultEntry' },
};

function xmlValue(value: unknown, entryNames: Record<string, string>): XmlValue {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object') return value as string | number | boolean;
  const node: XmlNode = {};
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (child === undefined) continue;
    if (key === 'Attributes' && !Array.isArray(child))
      node.Attribute = Object.entries(child as Record<string, string>).map(([Name, Value]) => ({ Name, Value }));
    else if (key === 'MessageAttributes')
      node.MessageAttribute = Object.entries(child as Record<string, unknown>).map(([Name, Value]) => ({
        Name,
        Value: xmlValue(Value, {}),
      }));
    else if (Array.isArray(child)) node[entryNames[key] ?? key] = child.map((item) => xmlValue(item, {}));
    else node[key] = xmlValue(child, {});
  }
  return node;
}

/** The XML reply to a query-protocol action. */
export function toQueryXml(action: string, output: Record<string, unknown>): string {
  return toXml(
    `${action}Response`,
    { [`${action}Result`]: xmlValue(output, RESULT_ENTRIES[action] ?? {}) ?? '', ResponseMetadata: { RequestId: randomUUID() } },
    QUERY_NAMESPACE,
  );
}

export function queryErrorXml(error: SqsError): string {
  return toXml('ErrorResponse', {
    Error: { Type: error.senderFault ? 'Sender' : 'Receiver', Code: error.queryCode, Message: error.message, Detail: '' },
    RequestId: randomUUID(),
  });
}

export function jsonErrorBody(error: SqsError): string {
  // most SQS errors are in its own namespace; a few common ones (AccessDeniedException) come with theirs
  return JSON.stringify({ __type: error.code.includes('#') ? error.code : `com.amazonaws.sqs#${error.code}`, message: error.message });
}
