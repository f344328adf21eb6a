/**
 * A function Redshift applies to any date or time expression, over Postgres's resolution rules:
 * beside the `timestamp` version, one taking `timestamptz` (converted to UTC, as Redshift's implicit
 * TIMESTAMPTZ → TIMESTAMP conversion does) and one taking `text`, so that an untyped literal
 * (`DATEADD(day, 1, '2026-01-01')`) resolves to the text version and is read as a timestamp,
 * rather than to `timestamptz`, the type Postgres prefers and Redshift does not return.
 */
function overloads(name: string, signature: string, returns: string, variants = ['timestamptz', 'text']): string {
  const params = signature.split(', ').map((param) => param.split(' ') as [string, string]);
  return variants
    .map((variant) => {
      const declared = params.map(([param, type]) => `${param} ${type === 'timestamp' ? variant : type}`);
      const converted = variant === 'text' ? '::timestamp' : " AT TIME ZONE 'UTC'";
      const args = params.map(([param, type]) => (type === 'timestamp' ? `${param}${converted}` : param));
      const volatility = variant === 'text' ? 'STABLE' : 'IMMUTABLE'; // reading text depends on DateStyle
      return `CREATE OR REPLACE FUNCTION ${name}(${declared.join(', ')}) RETURNS ${returns} LANGUAGE sql ${volatility} AS $$ SELECT ${name}(${args.join(', ')}) $$;`;
    })
    .join('\n');
}

/**
 * Functions, a type and catalog views Redshift has and Postgres lacks, created once in each
 * database the stand-in uses (after the `local_aws` schema). Date parts take Redshift's
 * abbreviations; DATEDIFF counts boundaries crossed, as Redshift does
 * (`DATEDIFF(year, '2025-12-31', '2026-01-01')` is 1). Sessions run in UTC, as Redshift's do.
 */
export const COMPATIBILITY_SQL = `
CREATE OR REPLACE FUNCTION getdate() RETURNS timestamp LANGUAGE sql STABLE AS $$ SELECT date_trunc('second', localtimestamp) $$;
CREATE OR REPLACE FUNCTION sysdate() RETURNS timestamp LANGUAGE sql STABLE AS $$ SELECT localtimestamp $$;
-- DATE_TRUNC of a DATE (or of an untyped literal) is a TIMESTAMP in Redshift; Postgres would make it a timestamptz
CREATE OR REPLACE FUNCTION date_trunc(part text, value date) RETURNS timestamp LANGUAGE sql IMMUTABLE AS $$ SELECT pg_catalog.date_trunc(part, value::timestamp) $$;
CREATE OR REPLACE FUNCTION date_trunc(part text, value text) RETURNS timestamp LANGUAGE sql IMMUTABLE AS $$ SELECT pg_catalog.date_trunc(part, value::timestamp) $$;
CREATE OR REPLACE FUNCTION nvl(a anycompatible, b anycompatible) RETURNS anycompatible LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce(a, b) $$;
CREATE OR REPLACE FUNCTION len(s text) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT length(s) $$;
CREATE OR REPLACE FUNCTION charindex(needle text, haystack text) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT strpos(haystack, needle) $$;
CREATE OR REPLACE FUNCTION json_extract_path_text(json_string text, VARIADIC path_elems text[]) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT (json_string::json) #>> path_elems $$;
CREATE OR REPLACE FUNCTION json_extract_array_element_text(json_string text, pos int) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT (json_string::json) ->> pos $$;
CREATE OR REPLACE FUNCTION json_array_length(json_string text) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT json_array_length(json_string::json) $$;
CREATE OR REPLACE FUNCTION is_valid_json(json_string text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN PERFORM json_string::json; RETURN true; EXCEPTION WHEN others THEN RETURN false; END $$;
CREATE OR REPLACE FUNCTION is_valid_json_array(json_string text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN RETURN json_typeof(json_string::json) = 'array'; EXCEPTION WHEN others THEN RETURN false; END $$;
DO $$ BEGIN
  IF to_regtype('super') IS NULL THEN CREATE DOMAIN super AS jsonb; END IF;
END $$;
CREATE OR REPLACE FUNCTION json_parse(json_string text) RETURNS super LANGUAGE sql IMMUTABLE AS $$ SELECT json_string::jsonb::super $$;
CREATE OR REPLACE FUNCTION is_array(value super) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT jsonb_typeof(value) = 'array' $$;
CREATE OR REPLACE FUNCTION is_object(value super) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT jsonb_typeof(value) = 'object' $$;
CREATE OR REPLACE FUNCTION is_scalar(value super) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT jsonb_typeof(value) NOT IN ('array', 'object') $$;
CREATE OR REPLACE FUNCTION is_boolean(value super) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT jsonb_typeof(value) = 'boolean' $$;
CREATE OR REPLACE FUNCTION is_varchar(value super) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT jsonb_typeof(value) = 'string' $$;
CREATE OR REPLACE FUNCTION json_typeof(value super) RETURNS varchar LANGUAGE sql IMMUTABLE AS $$ SELECT jsonb_typeof(value) $$;
CREATE OR REPLACE FUNCTION get_array_length(value super) RETURNS int LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN jsonb_typeof(value) = 'array' THEN jsonb_array_length(value) END
$$;
-- JSON_SERIALIZE is SQL/JSON syntax in Postgres 17+ (refusing a domain): calls are pointed here
CREATE OR REPLACE FUNCTION local_aws.json_serialize(value super) RETURNS varchar LANGUAGE sql IMMUTABLE AS $$ SELECT value::jsonb::text $$;
CREATE OR REPLACE FUNCTION local_aws.fail(message text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN RAISE EXCEPTION '%', message USING ERRCODE = '22023'; END $$;
CREATE OR REPLACE FUNCTION local_aws.date_part_name(part text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN CASE
    WHEN lower(part) IN ('millennium', 'millennia', 'mil', 'mils') THEN 'millennium'
    WHEN lower(part) IN ('century', 'centuries', 'c', 'cent', 'cents') THEN 'century'
    WHEN lower(part) IN ('decade', 'decades', 'dec', 'decs') THEN 'decade'
    WHEN lower(part) IN ('year', 'years', 'y', 'yr', 'yrs') THEN 'year'
    WHEN lower(part) IN ('quarter', 'quarters', 'qtr', 'qtrs') THEN 'quarter'
    WHEN lower(part) IN ('month', 'months', 'mon', 'mons') THEN 'month'
    WHEN lower(part) IN ('week', 'weeks', 'w') THEN 'week'
    WHEN lower(part) IN ('day', 'days', 'd') THEN 'day'
    WHEN lower(part) IN ('hour', 'hours', 'h', 'hr', 'hrs') THEN 'hour'
    WHEN lower(part) IN ('minute', 'minutes', 'm', 'min', 'mins') THEN 'minute'
    WHEN lower(part) IN ('second', 'seconds', 's', 'sec', 'secs') THEN 'second'
    WHEN lower(part) IN ('millisecond', 'milliseconds', 'ms', 'msec', 'msecs', 'msecond', 'mseconds', 'millisec', 'millisecs', 'millisecon') THEN 'millisecond'
    WHEN lower(part) IN ('microsecond', 'microseconds', 'microsec', 'microsecs', 'usecond', 'useconds', 'us', 'usec', 'usecs') THEN 'microsecond'
    ELSE local_aws.fail('"' || part || '" is not a date part Redshift knows (year, quarter, month, week, day, hour, minute, second, millisecond, microsecond, or their abbreviations)')
  END;
END $$;
CREATE OR REPLACE FUNCTION local_aws.time_part_name(function_name text, part text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF local_aws.date_part_name(part) IN ('hour', 'minute', 'second', 'millisecond', 'microsecond') THEN RETURN local_aws.date_part_name(part); END IF;
  RETURN local_aws.fail(function_name || ': a TIME value has no ' || local_aws.date_part_name(part) || ' part (use hour, minute, second, millisecond or microsecond)');
END $$;
CREATE OR REPLACE FUNCTION dateadd(part text, amount bigint, value timestamp) RETURNS timestamp LANGUAGE sql IMMUTABLE AS $$
  SELECT value + amount * CASE local_aws.date_part_name(part) WHEN 'quarter' THEN interval '3 months' ELSE ('1 ' || local_aws.date_part_name(part))::interval END
$$;
CREATE OR REPLACE FUNCTION datediff(part text, low timestamp, high timestamp) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE local_aws.date_part_name(part)
    WHEN 'millennium' THEN floor((extract(year FROM high) - 1) / 1000) - floor((extract(year FROM low) - 1) / 1000)
    WHEN 'century' THEN floor((extract(year FROM high) - 1) / 100) - floor((extract(year FROM low) - 1) / 100)
    WHEN 'decade' THEN floor(extract(year FROM high) / 10) - floor(extract(year FROM low) / 10)
    WHEN 'year' THEN extract(year FROM high) - extract(year FROM low)
    WHEN 'quarter' THEN (extract(year FROM high) * 4 + extract(quarter FROM high)) - (extract(year FROM low) * 4 + extract(quarter FROM low))
    WHEN 'month' THEN (extract(year FROM high) * 12 + extract(month FROM high)) - (extract(year FROM low) * 12 + extract(month FROM low))
    WHEN 'week' THEN (date_trunc('week', high)::date - date_trunc('week', low)::date) / 7
    WHEN 'day' THEN high::date - low::date
    WHEN 'hour' THEN (extract(epoch FROM date_trunc('hour', high)) - extract(epoch FROM date_trunc('hour', low))) / 3600
    WHEN 'minute' THEN (extract(epoch FROM date_trunc('minute', high)) - extract(epoch FROM date_trunc('minute', low))) / 60
    WHEN 'second' THEN extract(epoch FROM date_trunc('second', high)) - extract(epoch FROM date_trunc('second', low))
    WHEN 'millisecond' THEN (extract(epoch FROM date_trunc('milliseconds', high)) - extract(epoch FROM date_trunc('milliseconds', low))) * 1000
    ELSE (extract(epoch FROM high) - extract(epoch FROM low)) * 1000000
  END::bigint
$$;
CREATE OR REPLACE FUNCTION add_months(value timestamp, months bigint) RETURNS timestamp LANGUAGE sql IMMUTABLE AS $$
  -- the last day of a month stays the last day (Redshift: ADD_MONTHS('2026-02-28', 1) is 2026-03-31)
  SELECT CASE WHEN (value + interval '1 day')::date = date_trunc('month', value + interval '1 day')::date
    THEN (date_trunc('month', value) + (months + 1) * interval '1 month' - interval '1 day')::date + value::time
    ELSE value + months * interval '1 month' END
$$;
CREATE OR REPLACE FUNCTION last_day(value timestamp) RETURNS date LANGUAGE sql IMMUTABLE AS $$
  SELECT (date_trunc('month', value) + interval '1 month' - interval '1 day')::date
$$;
CREATE OR REPLACE FUNCTION months_between(later timestamp, earlier timestamp) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
  -- whole months when the days match or both are month ends; else the day difference over a 31-day month
  SELECT (extract(year FROM later) - extract(year FROM earlier)) * 12 + extract(month FROM later) - extract(month FROM earlier)
    + CASE WHEN extract(day FROM later) = extract(day FROM earlier) OR (later::date = last_day(later) AND earlier::date = last_day(earlier)) THEN 0
      ELSE (extract(day FROM later) - extract(day FROM earlier)) / 31.0 END
$$;
CREATE OR REPLACE FUNCTION next_day(value timestamp, day text) RETURNS date LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE target int := CASE
    WHEN lower(day) IN ('su', 'sun', 'sunday') THEN 0 WHEN lower(day) IN ('m', 'mo', 'mon', 'monday') THEN 1
    WHEN lower(day) IN ('tu', 'tue', 'tues', 'tuesday') THEN 2 WHEN lower(day) IN ('w', 'we', 'wed', 'wednesday') THEN 3
    WHEN lower(day) IN ('th', 'thu', 'thurs', 'thursday') THEN 4 WHEN lower(day) IN ('f', 'fr', 'fri', 'friday') THEN 5
    WHEN lower(day) IN ('sa', 'sat', 'saturday') THEN 6 END;
BEGIN
  IF target IS NULL THEN PERFORM local_aws.fail('NEXT_DAY: "' || day || '" is not a day of the week (Sunday, Sun, Su, Monday, Mon, Mo, M, …)'); END IF;
  -- the next such day strictly after the date: a Tuesday's next Tuesday is a week on
  RETURN value::date + ((target - extract(dow FROM value)::int + 6) % 7) + 1;
END $$;
CREATE OR REPLACE FUNCTION date_cmp(a date, b date) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT sign(a - b)::int $$;
CREATE OR REPLACE FUNCTION trunc(value timestamp) RETURNS date LANGUAGE sql IMMUTABLE AS $$ SELECT value::date $$;
CREATE OR REPLACE FUNCTION convert_timezone(source text, target text, value timestamp) RETURNS timestamp LANGUAGE sql IMMUTABLE AS $$
  SELECT (value AT TIME ZONE source) AT TIME ZONE target
$$;
CREATE OR REPLACE FUNCTION convert_timezone(target text, value timestamp) RETURNS timestamp LANGUAGE sql IMMUTABLE AS $$
  SELECT (value AT TIME ZONE 'UTC') AT TIME ZONE target
$$;
CREATE OR REPLACE FUNCTION dateadd(part text, amount bigint, value time) RETURNS time LANGUAGE sql IMMUTABLE AS $$
  SELECT value + amount * ('1 ' || local_aws.time_part_name('DATEADD', part))::interval
$$;
CREATE OR REPLACE FUNCTION datediff(part text, low time, high time) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
  SELECT datediff(local_aws.time_part_name('DATEDIFF', part), '2000-01-01'::date + low, '2000-01-01'::date + high)
$$;
${overloads('add_months', 'value timestamp, months bigint', 'timestamp')}
${overloads('trunc', 'value timestamp', 'date', ['timestamptz'])}
${overloads('convert_timezone', 'source text, target text, value timestamp', 'timestamp')}
${overloads('convert_timezone', 'target text, value timestamp', 'timestamp')}
${overloads('dateadd', 'part text, amount bigint, value timestamp', 'timestamp')}
${overloads('datediff', 'part text, low timestamp, high timestamp', 'bigint')}
CREATE OR REPLACE FUNCTION local_aws.row_count(relation oid) RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE counted bigint;
BEGIN EXECUTE format('SELECT count(*) FROM %s', relation::regclass) INTO counted; RETURN counted; END $$;
CREATE OR REPLACE VIEW local_aws.pg_table_def AS
  SELECT n.nspname::name AS schemaname, c.relname::name AS tablename, a.attname::name AS "column",
         format_type(a.atttypid, a.atttypmod)::varchar(128) AS type, 'none'::varchar(32) AS encoding,
         false AS distkey, 0 AS sortkey, a.attnotnull AS notnull
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND n.nspname = ANY (current_schemas(false));
CREATE OR REPLACE VIEW local_aws.svv_table_info AS
  SELECT local_aws.database_name()::text AS database, n.nspname::text AS schema, c.oid::int AS table_id, c.relname::text AS "table",
         'N'::text AS encoded, 'AUTO(EVEN)'::text AS diststyle, NULL::text AS sortkey1,
         (SELECT max(CASE WHEN a.atttypmod > 4 THEN a.atttypmod - 4 END) FROM pg_attribute a
           WHERE a.attrelid = c.oid AND a.atttypid = 'varchar'::regtype AND a.attnum > 0 AND NOT a.attisdropped)::int AS max_varchar,
         0 AS sortkey_num, ceil(pg_total_relation_size(c.oid) / 1048576.0)::bigint AS size, NULL::numeric(10, 4) AS pct_used,
         0::numeric(10, 4) AS unsorted, 0::numeric(10, 4) AS stats_off,
         local_aws.row_count(c.oid)::numeric(38, 0) AS tbl_rows, local_aws.row_count(c.oid)::numeric(38, 0) AS estimated_visible_rows
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'local_aws') AND n.nspname NOT LIKE 'pg\\_%';
`;
