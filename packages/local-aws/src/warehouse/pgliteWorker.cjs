// PGlite runs Postgres synchronously on the thread that calls it: a long statement would
// freeze every server of the local stack. This worker thread owns the PGlite instance; the
// main thread sends it queries and COPY inputs (see pgliteDatabase.ts).
//
// Plain CommonJS rather than TypeScript: a worker thread does not inherit the TypeScript
// loader of its parent process.
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require('@electric-sql/pglite');

// Every value in Postgres's text form, as the Data API reports it (PGlite would parse these).
const PARSED_TYPES = [
  16, 17, 20, 21, 23, 26, 114, 199, 700, 701, 1000, 1005, 1007, 1009, 1016, 1021, 1022, 1082, 1114, 1115, 1182, 1184, 1185, 1186, 1231,
  1700, 3802, 3807,
];
const parsers = Object.fromEntries(PARSED_TYPES.map((oid) => [oid, (value) => value]));

function toResult(results) {
  return {
    fields: results.fields.map((f) => ({ name: f.name, typeId: f.dataTypeID })),
    rows: results.rows,
    rowCount: results.rowCount ?? results.affectedRows ?? results.rows.length,
    command: results.command ?? '',
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
      result = toResult(await pg.query(request.sql, request.params, { rowMode: 'array' }));
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
