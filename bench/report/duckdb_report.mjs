// The DuckDB peer of bench/report: the figures of docs/metrics.md that need
// no sentiment, surveys or context attributes, in SQL over a ServiceNow
// incident CSV, on one thread, in one process.
//   node duckdb_report.mjs FILE.csv FROM TO [FULL.json]
// FROM and TO are dates (YYYY-MM-DD, UTC), TO exclusive. Prints the headline
// figures as JSON on stdout and the elapsed seconds (from before the CSV is
// read to after the last query) on stderr; FULL.json, when given, gets every
// table and series too, for looking at.
//
// Needs @duckdb/node-api where Node resolves it from this file's folder
// (bench/report/run installs it into a temporary folder and copies this
// script next to it; ESM imports ignore NODE_PATH).
//
// Not done here: the event-log rule of the CSV format (several rows of one
// incident, the highest sys_mod_count wins). The bench data has one row per
// incident, and a window over all rows would charge DuckDB for work that
// data never needs.
import { DuckDBInstance } from '@duckdb/node-api';
import { writeFileSync } from 'node:fs';

const [, , csvPath, fromArg, toArg, fullPath] = process.argv;
const isDate = s => /^\d{4}-\d{2}-\d{2}$/.test(s ?? '');
if (!csvPath || !isDate(fromArg) || !isDate(toArg) || toArg <= fromArg) {
    console.error('usage: node duckdb_report.mjs FILE.csv FROM TO [FULL.json]   (dates YYYY-MM-DD, TO exclusive)');
    process.exit(2);
}
const FCR_WINDOW_MINUTES = 60;   // the plugin's default fcr_window_minutes
const SPIKE_THRESHOLD = 3.5;        // the plugin's default spike_threshold
const SPIKE_MIN_INCIDENTS = 5;      // and spike_min_incidents
const sqlString = s => `'${String(s).replaceAll("'", "''")}'`;
const FROM = `TIMESTAMP ${sqlString(fromArg + ' 00:00:00')}`;
const TO = `TIMESTAMP ${sqlString(toArg + ' 00:00:00')}`;

const started = performance.now();
// threads=1 at creation so no pool of workers is even started; SET again to be explicit.
const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const db = await instance.connect();
await db.run('SET threads = 1');
// Rows as plain JSON values (BIGINT -> number would need care; Json gives strings for those).
const rows = async sql => (await db.runAndReadAll(sql)).getRowObjectsJson();
const one = async sql => (await rows(sql))[0];

// ---- Load: read the CSV once, mapped to the canonical model ----------------
// Columns typed explicitly (no sniffing pass over the file); '?' and empty are
// missing. The mapping is that of docs/metrics.md (section 16): channel from
// contact_type, the leading integer of priority/impact/urgency, state names,
// made_sla -> breached, escalation level 1 exactly when reassigned.
await db.run(`
CREATE TABLE inc AS
WITH raw AS (
  SELECT * FROM read_csv(${sqlString(csvPath)}, header = true, delim = ',', quote = '"', escape = '"',
    nullstr = ['?', ''], timestampformat = '%Y-%m-%d %H:%M:%S', auto_detect = false,
    columns = {
      'number': 'VARCHAR', 'incident_state': 'VARCHAR', 'contact_type': 'VARCHAR', 'category': 'VARCHAR',
      'subcategory': 'VARCHAR', 'priority': 'VARCHAR', 'impact': 'VARCHAR', 'urgency': 'VARCHAR',
      'assignment_group': 'VARCHAR', 'caller_id': 'VARCHAR', 'cmdb_ci': 'VARCHAR', 'rfc': 'VARCHAR',
      'opened_at': 'TIMESTAMP', 'u_first_response_at': 'TIMESTAMP', 'resolved_at': 'TIMESTAMP',
      'closed_at': 'TIMESTAMP', 'sys_updated_at': 'TIMESTAMP', 'made_sla': 'BOOLEAN',
      'reassignment_count': 'INTEGER', 'reopen_count': 'INTEGER', 'sys_mod_count': 'INTEGER'})
)
SELECT
  number,
  -- Values matched exactly as written, case included (docs/metrics.md, section 16).
  CASE
    WHEN incident_state IS NULL THEN ''
    WHEN incident_state = 'New' THEN 'new'
    WHEN incident_state = 'Resolved' THEN 'resolved'
    WHEN incident_state = 'Closed' THEN 'closed'
    WHEN incident_state IN ('Canceled', 'Cancelled') THEN 'cancelled'
    WHEN incident_state LIKE 'Awaiting%' OR incident_state = 'On Hold' THEN 'on_hold'
    ELSE 'in_progress'
  END AS state,
  CASE
    WHEN contact_type IN ('Phone', 'IVR') THEN 'phone'
    WHEN contact_type = 'Email' THEN 'email'
    WHEN contact_type IN ('Self service', 'Self-service', 'Direct opening', 'Web') THEN 'portal'
    WHEN contact_type IN ('Walk-in', 'Walk-up') THEN 'walk_up'
    WHEN contact_type IN ('Chat', 'Virtual Agent') THEN 'chat'
    ELSE 'unknown'
  END AS channel,
  coalesce(category, '') AS category,
  -- "1 - Critical" -> 1; outside 1..5 or unreadable -> 0 (unknown)
  coalesce(CASE WHEN p BETWEEN 1 AND 5 THEN p END, 0) AS priority,
  coalesce(TRY_CAST(regexp_extract(impact, '^\\s*(\\d+)', 1) AS INTEGER), 0) AS impact,
  coalesce(TRY_CAST(regexp_extract(urgency, '^\\s*(\\d+)', 1) AS INTEGER), 0) AS urgency,
  coalesce(assignment_group, '') AS assignment_group,
  rfc AS related_change,
  opened_at, u_first_response_at AS first_response_at, resolved_at, closed_at,
  NOT made_sla AS sla_breached,
  greatest(coalesce(reassignment_count, 0), 0) AS reassignment_count,   -- negative or missing -> 0
  greatest(coalesce(reopen_count, 0), 0) AS reopen_count,
  CASE WHEN reassignment_count > 0 THEN 1 ELSE 0 END AS escalation_level
FROM (SELECT *, TRY_CAST(regexp_extract(priority, '^\\s*(\\d+)', 1) AS INTEGER) AS p FROM raw)
WHERE opened_at IS NOT NULL AND number IS NOT NULL
`);

// P: opened in [from, to), with the durations every section needs. Hours are
// whole milliseconds / 3,600,000 as in the spec; a negative duration (bad
// data) leaves the incident out of that time metric.
await db.run(`
CREATE TEMP VIEW p AS
SELECT *,
  CAST(date_trunc('day', opened_at) AS DATE) AS day,
  CAST(date_trunc('month', opened_at) AS DATE) AS month,
  resolved_at IS NOT NULL AS resolved,
  CASE WHEN first_response_at >= opened_at
       THEN (epoch_ms(first_response_at) - epoch_ms(opened_at)) / 3600000.0 END AS first_response_h,
  CASE WHEN resolved_at >= opened_at
       THEN (epoch_ms(resolved_at) - epoch_ms(opened_at)) / 3600000.0 END AS resolve_h
FROM inc WHERE opened_at >= ${FROM} AND opened_at < ${TO}
`);

// Percentiles exactly as the spec defines them: the value at 0-based rank
// floor(q * (n - 1)) of the sorted values. DuckDB's quantile_disc agrees for
// the median (its rank is ceil(q * n) - 1, the same number when q = 0.5) but
// not always for p90 (n = 4: the 4th value, not the 3rd). So the time metrics
// sort each group's values once and index them for both ranks.
await db.run(`
CREATE MACRO at_rank(sorted, q) AS
  CASE WHEN len(sorted) > 0 THEN sorted[CAST(floor(q * (len(sorted) - 1)) AS BIGINT) + 1] END`);
const pct = (num, den) => `CASE WHEN ${den} > 0 THEN 100.0 * (${num}) / (${den}) END`;
// FCR's conditions, on a row of p.
const FCR_BASE = `resolved AND channel IN ('phone', 'chat', 'walk_up')`;
const FCR_HIT = `${FCR_BASE} AND escalation_level = 0 AND reassignment_count = 0 AND reopen_count = 0
  AND resolved_at >= opened_at AND epoch_ms(resolved_at) - epoch_ms(opened_at) <= ${FCR_WINDOW_MINUTES * 60000}`;

const report = {};

// ---- 1. Volume -----------------------------------------------------------------
report.volume_by_channel = await rows(`SELECT channel, count(*) AS incidents FROM p GROUP BY ALL ORDER BY incidents DESC, channel`);
report.volume_by_category = await rows(`SELECT CASE WHEN category = '' THEN '(none)' ELSE category END AS category,
  count(*) AS incidents FROM p GROUP BY ALL ORDER BY incidents DESC, category`);
report.volume_by_priority = await rows(`SELECT priority, count(*) AS incidents FROM p GROUP BY ALL ORDER BY priority`);
report.volume_by_month = await rows(`SELECT strftime(month, '%Y-%m') AS month, count(*) AS incidents FROM p GROUP BY month ORDER BY month`);
// Every day of the period, zero days included; kept as a table for the spikes.
await db.run(`
CREATE TEMP TABLE daily AS
SELECT CAST(d AS DATE) AS day, coalesce(c.n, 0) AS n
FROM generate_series(${FROM}, ${TO} - INTERVAL 1 DAY, INTERVAL 1 DAY) g(d)
LEFT JOIN (SELECT day, count(*) AS n FROM p GROUP BY day) c ON c.day = CAST(d AS DATE)`);
report.volume_daily = await rows(`SELECT strftime(day, '%Y-%m-%d') AS day, n FROM daily ORDER BY day`);
const total = report.volume_daily.reduce((sum, d) => sum + Number(d.n), 0);

// ---- 2. Backlog and aging as of TO (any opened_at < TO, not only P) -----------------
await db.run(`
CREATE TEMP TABLE backlog AS
SELECT number, CASE WHEN assignment_group = '' THEN '(unassigned)' ELSE assignment_group END AS grp,
  priority, opened_at, (epoch_ms(${TO}) - epoch_ms(opened_at)) // 86400000 AS age_days
FROM inc
WHERE opened_at < ${TO}
  AND state <> 'cancelled'
  AND NOT coalesce(resolved_at < ${TO}, false)
  AND NOT coalesce(closed_at < ${TO}, false)
  AND NOT (state IN ('resolved', 'closed') AND resolved_at IS NULL AND closed_at IS NULL)`);
const openBacklog = Number((await one(`SELECT count(*) AS n FROM backlog`)).n);
report.backlog_aging_by_group = await rows(`
SELECT grp AS assignment_group,
  count(*) FILTER (WHERE age_days <= 2) AS "0-2 d",
  count(*) FILTER (WHERE age_days BETWEEN 3 AND 7) AS "3-7 d",
  count(*) FILTER (WHERE age_days BETWEEN 8 AND 30) AS "8-30 d",
  count(*) FILTER (WHERE age_days >= 31) AS "over 30 d",
  count(*) AS total
FROM backlog GROUP BY grp ORDER BY total DESC, grp`);
report.backlog_oldest = await rows(`
SELECT number, grp AS assignment_group, priority, age_days FROM backlog ORDER BY opened_at, number LIMIT 10`);

// ---- 3. Time to first response and to resolve ----------------------------------------
// One scan for both durations and all three groupings (overall, priority,
// impact x urgency); GROUPING() tells the result rows apart.
const timeRows = await rows(`
SELECT gp, giu, priority, impact, urgency,
  len(fr) AS fr_n, at_rank(fr, 0.5) AS fr_median_h, at_rank(fr, 0.9) AS fr_p90_h,
  len(rs) AS rs_n, at_rank(rs, 0.5) AS rs_median_h, at_rank(rs, 0.9) AS rs_p90_h
FROM (
  SELECT CAST(grouping(priority) AS INTEGER) AS gp, CAST(grouping(impact, urgency) AS INTEGER) AS giu,
    priority, impact, urgency,
    list_sort(list(first_response_h) FILTER (WHERE first_response_h IS NOT NULL)) AS fr,
    list_sort(list(resolve_h) FILTER (WHERE resolve_h IS NOT NULL)) AS rs
  FROM p GROUP BY GROUPING SETS ((), (priority), (impact, urgency)))
ORDER BY gp DESC, giu DESC, priority, impact, urgency`);
const timeTable = prefix => {
    const stats = r => ({ n: Number(r[`${prefix}_n`]), median_h: r[`${prefix}_median_h`], p90_h: r[`${prefix}_p90_h`] });
    return {
        overall: stats(timeRows.find(r => r.gp === 1 && r.giu === 3)),
        by_priority: timeRows.filter(r => r.gp === 0).map(r => ({ priority: r.priority, ...stats(r) })),
        by_impact_urgency: timeRows.filter(r => r.giu === 0)
            .map(r => ({ impact_urgency: `I${r.impact || '?'} x U${r.urgency || '?'}`, ...stats(r) })),
    };
};
report.first_response = timeTable('fr');
report.resolve = timeTable('rs');

// ---- 4-7. SLA, FCR, level-1 share, reopen and reassignment ---------------------------
const slaCols = `count(sla_breached) AS known, ${pct('count(*) FILTER (WHERE NOT sla_breached)', 'count(sla_breached)')} AS attainment_percent`;
report.sla = await one(`SELECT ${slaCols} FROM p`);
report.sla_by_priority = await rows(`SELECT priority, ${slaCols} FROM p GROUP BY priority ORDER BY priority`);
report.rates = await one(`
SELECT
  count(*) FILTER (WHERE ${FCR_BASE}) AS fcr_base,
  ${pct(`count(*) FILTER (WHERE ${FCR_HIT})`, `count(*) FILTER (WHERE ${FCR_BASE})`)} AS fcr_percent,
  count(*) FILTER (WHERE resolved) AS resolved,
  ${pct('count(*) FILTER (WHERE resolved AND escalation_level = 0)', 'count(*) FILTER (WHERE resolved)')} AS level1_percent,
  ${pct('count(*) FILTER (WHERE resolved AND reopen_count > 0)', 'count(*) FILTER (WHERE resolved)')} AS reopen_percent,
  ${pct('count(*) FILTER (WHERE reassignment_count > 0)', 'count(*)')} AS reassignment_percent,
  avg(reassignment_count) AS reassignment_mean
FROM p`);
report.level1_monthly = await rows(`
SELECT strftime(month, '%Y-%m') AS month,
  ${pct('count(*) FILTER (WHERE resolved AND escalation_level = 0)', 'count(*) FILTER (WHERE resolved)')} AS level1_percent
FROM p GROUP BY month ORDER BY month`);

// ---- 8. Volume spikes ----------------------------------------------------------------
// Median and MAD are lower-rank medians (quantile_disc agrees with the spec's
// rank at q = 0.5): z = 0.6745 (n - median) / MAD. MAD = 0: z = (n - median) /
// (1.253314 x the mean absolute deviation from the median), as docs/metrics.md
// and the plugin have it; that 0 too: no spikes.
report.spike_stats = await one(`
WITH m AS (SELECT quantile_disc(n, 0.5) AS median FROM daily),
dev AS (SELECT abs(n - median) AS d, median FROM daily, m)
SELECT any_value(median) AS median, quantile_disc(d, 0.5) AS mad, avg(d) AS mean_ad,
  CASE WHEN quantile_disc(d, 0.5) > 0 THEN quantile_disc(d, 0.5) ELSE 1.253314 * avg(d) END AS scale,
  CASE WHEN quantile_disc(d, 0.5) > 0 THEN 0.6745 ELSE 1.0 END AS factor
FROM dev`);
const { median, scale, factor } = report.spike_stats;
report.spikes = Number(scale) > 0 ? await rows(`
WITH s AS (
  SELECT day, n, ${Number(factor)} * (n - ${Number(median)}) / ${Number(scale)} AS z FROM daily
  WHERE ${Number(factor)} * (n - ${Number(median)}) / ${Number(scale)} > ${SPIKE_THRESHOLD}
    AND n >= ${SPIKE_MIN_INCIDENTS}),
changes AS (
  SELECT p.day, related_change, count(*) AS incidents,
    row_number() OVER (PARTITION BY p.day ORDER BY count(*) DESC, related_change) AS r
  FROM p JOIN s ON p.day = s.day WHERE related_change IS NOT NULL GROUP BY p.day, related_change)
SELECT strftime(s.day, '%Y-%m-%d') AS day, s.n AS incidents, round(s.z, 2) AS z,
  list({'change': related_change, 'incidents': incidents} ORDER BY r) FILTER (WHERE r IS NOT NULL) AS changes
FROM s LEFT JOIN changes c ON c.day = s.day AND c.r <= 3
GROUP BY s.day, s.n, s.z ORDER BY s.day`) : [];

// ---- Monthly trend table ---------------------------------------------------------------
report.trend_by_month = await rows(`
SELECT strftime(month, '%Y-%m') AS month, count(*) AS incidents, count(*) FILTER (WHERE resolved) AS resolved,
  ${pct('count(*) FILTER (WHERE resolved AND escalation_level = 0)', 'count(*) FILTER (WHERE resolved)')} AS level1_percent,
  quantile_disc(resolve_h, 0.5) AS median_resolve_h,   -- the spec's rank at q = 0.5 (see at_rank)
  ${pct('count(*) FILTER (WHERE NOT sla_breached)', 'count(sla_breached)')} AS sla_percent,
  ${pct(`count(*) FILTER (WHERE ${FCR_HIT})`, `count(*) FILTER (WHERE ${FCR_BASE})`)} AS fcr_percent,
  ${pct('count(*) FILTER (WHERE resolved AND reopen_count > 0)', 'count(*) FILTER (WHERE resolved)')} AS reopen_percent
FROM p GROUP BY month ORDER BY month`);

// ---- 10. The story's "eliminated" categories -------------------------------------------
// Incidents per month in the first third of the period's months against the
// last third (at least 3 months of data); the biggest falls first.
const months = report.volume_by_month.length;
if (months >= 3) {
    const third = Math.floor(months / 3);
    report.story_eliminated = await rows(`
    WITH cm AS (SELECT CASE WHEN category = '' THEN '(none)' ELSE category END AS category, month, count(*) AS n
                FROM p GROUP BY ALL),
    ranked AS (SELECT month, dense_rank() OVER (ORDER BY month) AS k FROM (SELECT DISTINCT month FROM cm)),
    per AS (
      SELECT category,
        coalesce(sum(n) FILTER (WHERE k <= ${third}), 0) / ${third} AS before_per_month,
        coalesce(sum(n) FILTER (WHERE k > ${months - third}), 0) / ${third} AS after_per_month
      FROM cm JOIN ranked USING (month) GROUP BY category)
    SELECT category, round(before_per_month, 1) AS before_per_month, round(after_per_month, 1) AS after_per_month,
      round(100 * (before_per_month - after_per_month) / before_per_month, 1) AS change_percent
    FROM per WHERE after_per_month < before_per_month
    ORDER BY before_per_month - after_per_month DESC, category LIMIT 5`);
}

const elapsed = (performance.now() - started) / 1000;
const num = v => (v === null || v === undefined ? null : Number(v));
const headline = {
    total,
    open_backlog: openBacklog,
    resolve_median_hours: num(report.resolve.overall.median_h),
    resolve_p90_hours: num(report.resolve.overall.p90_h),
    first_response_median_hours: num(report.first_response.overall.median_h),
    sla_attainment_percent: num(report.sla.attainment_percent),
    fcr_percent: num(report.rates.fcr_percent),
    level1_percent: num(report.rates.level1_percent),
    reopen_percent: num(report.rates.reopen_percent),
    reassignment_percent: num(report.rates.reassignment_percent),
    spikes: report.spikes.length,
};
if (fullPath) writeFileSync(fullPath, JSON.stringify({ headline, ...report }, null, 2) + '\n');
console.log(JSON.stringify(headline));
console.error(elapsed.toFixed(3));
db.closeSync?.();
