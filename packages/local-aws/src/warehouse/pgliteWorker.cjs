// PGlite runs Postgres synchronously on the thread that calls it: a long statement would
// freeze every server of the local stack. This worker thread owns the PGlite instance; the
// main thread sends it queries and COPY inputs (see pgliteDatabase.ts).
//
// Plain CommonJS rather than TypeScript: a worker thread does not inherit the TypeScript
// loader of its parent process.
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite, protocol } = require('@electric-sql/pglite');

// Every value in Postgres's text form, as the Data API reports it (PGlite would parse these).
const PARSED_TYPES = [
  16, 17, 20, 21, 23, 26, 114, 199, 700, 701, 1000, 1005, 1007, 1009, 1016, 1021, 1022, 1082, 1114, 1115, 1182, 1184, 1185, 1186, 1231,
  1700, 3802, 3807,
];
const parsers = Object.fromEntries(PARSED_TYPES.map((oid) => [oid, (value) => value]));

// A query over the extended protocol, as PGlite's own query() runs it, keeping what query()
// drops from the RowDescription: each column's table OID, column number and type modifier.
async function query(pg, sql, params) {
  const { serialize } = protocol;
  const messages = [];
  // execProtocol takes no lock of its own: one query's messages at a time, as query() sends them
  await pg.runExclusive(async () => {
    try {
      for (const message of [
        serialize.parse({ text: sql }),
        serialize.bind({ values: params }),
        serialize.describe({ type: 'P' }),
        serialize.execute({}),
      ])
        // one by one: a million data rows spread into push() overflow the call stack
        for (const reply of (await pg.execProtocol(message)).messages) messages.push(reply);
    } finally {
      await pg.execProtocol(serialize.sync());
    }
  });
  const description = messages.find((m) => m.name === 'rowDescription');
  const complete = messages.find((m) => m.name === 'commandComplete');
  const rows = messages.filter((m) => m.name === 'dataRow').map((m) => m.fields);
  const tag = complete ? complete.text.split(' ') : [];
  const counted = Number(tag[tag.length - 1]);
  return {
    fields: (description ? description.fields : []).map((f) => ({
      name: f.name,
      typeId: f.dataTypeID,
      tableId: f.tableID,
      columnId: f.columnID,
      typeModifier: f.dataTypeModifier,
    })),
    rows,
    rowCount: Number.isNaN(counted) || tag.length < 2 ? rows.length : counted,
    command: tag[0] ?? '',
  };
}

function errorFields(error) {
  const { message, code, detail, hint, position, where } = error ?? {};
  return { message: String(message ?? error), code, detail, hint, position, where };
}

const ready = PGlite.create(workerData.dir, { parsers });

parentPort.on('message', async (request) => {
  try {
    const pg = await ready;
    let result;
    if (request.kind === 'query') {
      result = await query(pg, request.sql, request.params);
    } else if (request.kind === 'copy') {
      // PGlite cannot stream COPY FROM STDIN; it reads the input from a blob at /dev/blob.
      const sql = request.sql.replace(/\bFROM\s+STDIN\b/i, "FROM '/dev/blob'");
      const copied = await pg.query(sql, [], { blob: new Blob([request.data]) });
      result = copied.affectedRows ?? 0;
    } else if (request.kind === 'close') {
      await pg.close();
      result = true;
    }
    parentPort.postMessage({ id: request.id, ok: true, result });
  } catch (error) {
    parentPort.postMessage({ id: request.id, ok: false, error: errorFields(error) });
  }
});
