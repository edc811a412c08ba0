// Synthetic ServiceNow incident list export for bench/report: one row per
// incident, opened during calendar 2025 (UTC), exported at 2026-01-01 00:00:00.
//   node generate_incidents.mjs N OUT.csv [SEED]   (SEED default 42)
// Deterministic for a seed: every random choice comes from one mulberry32
// stream consumed in a fixed order, so the same N and seed give the same bytes.
//
// What makes it believable, and what the report metrics can find in it:
// - weekday and business-hour rhythm, a quieter August and Christmas week,
//   day-to-day noise, and a handful of change-related spike days (3-5x volume,
//   most of that day's incidents on one CI and one rfc) for the spike metric;
// - resolve times lognormal by priority, longer with every reassignment;
//   a share of phone/chat/walk-in contacts fixed on the spot (for FCR);
// - reassignment becoming rarer through the year (level-1 share rises) and two
//   categories fading out in the second half (the "eliminated" story);
// - incidents still open at export time: those whose resolve time runs past
//   it, plus a few stuck ones, more of them recent (backlog aging buckets).
import { createWriteStream } from 'node:fs';

const [, , nArg, outPath, seedArg] = process.argv;
const total = Number(nArg);
if (!Number.isInteger(total) || total < 1 || !outPath) {
    console.error('usage: node generate_incidents.mjs N OUT.csv [SEED]');
    process.exit(2);
}
const seed = seedArg === undefined ? 42 : Number(seedArg);

// mulberry32: tiny, fast, and good enough for test data.
let state = seed >>> 0;
function rand() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const randInt = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1)); // inclusive
function normal() { // Box-Muller; 1 - rand() keeps log away from 0
    return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}
const lognormal = (median, sigma) => median * Math.exp(sigma * normal());
// Index into a table of cumulative weights.
function pick(cumulative) {
    const x = rand() * cumulative[cumulative.length - 1];
    let i = 0;
    while (cumulative[i] <= x) i++;
    return i;
}
function cumulate(weights) {
    let sum = 0;
    return weights.map(w => (sum += w));
}

const DAY = 86400, HOUR = 3600, MINUTE = 60;          // times are whole seconds
const YEAR_START = Date.UTC(2025, 0, 1) / 1000;
const DAYS = 365;
const EXPORT_AT = YEAR_START + DAYS * DAY;            // 2026-01-01 00:00:00

// ---- Days: how many incidents each day gets --------------------------------
// Weekday factors, Sunday first (getUTCDay order).
const DOW = [0.2, 1.05, 1.0, 1.0, 1.0, 0.92, 0.25];
const dayWeight = [];
for (let d = 0; d < DAYS; d++) {
    const date = new Date((YEAR_START + d * DAY) * 1000);
    const month = date.getUTCMonth(), dom = date.getUTCDate();
    let w = DOW[date.getUTCDay()];
    if (month === 7) w *= 0.85;                                  // August holidays
    if (month === 11 && dom >= 22) w *= 0.6;                     // Christmas week
    if ((month === 0 && dom === 1) || (month === 11 && (dom === 25 || dom === 26))) w *= 0.3;
    w *= Math.exp(0.07 * normal());                              // day-to-day noise
    dayWeight.push(w);
}
// Spike days: a change goes wrong and the desk is flooded. Weekdays only, one
// per stretch of the year so they do not bunch up.
const spikes = new Map(); // day index -> { rfc, category, ci }
const SPIKE_COUNT = 6;
for (let s = 0; s < SPIKE_COUNT; s++) {
    let d;
    do d = Math.floor((s + rand()) * DAYS / SPIKE_COUNT);
    while ([0, 6].includes(new Date((YEAR_START + d * DAY) * 1000).getUTCDay()) || spikes.has(d));
    const multiplier = 3 + 2 * rand();
    spikes.set(d, {
        rfc: `CHG${String(randInt(1000, 9999999)).padStart(7, '0')}`,
        category: randInt(1, 40),
        ci: randInt(1, 2000),
        carry: (multiplier - 1) / multiplier,                     // share of the day caused by the change
    });
    dayWeight[d] *= multiplier;
}
// Whole counts per day that add up to total: floor, then the largest remainders.
const weightSum = dayWeight.reduce((a, b) => a + b, 0);
const dayCount = dayWeight.map(w => Math.floor(total * w / weightSum));
let missing = total - dayCount.reduce((a, b) => a + b, 0);
const byRemainder = dayWeight.map((w, d) => [total * w / weightSum - dayCount[d], d]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
for (let i = 0; missing > 0; i++, missing--) dayCount[byRemainder[i % DAYS][1]]++;

// Hour of day: business hours on weekdays, flatter at weekends.
const WEEKDAY_HOURS = cumulate([2, 1, 1, 1, 1, 2, 4, 10, 22, 26, 25, 22, 16, 20, 23, 21, 17, 11, 6, 4, 3, 3, 2, 2]);
const WEEKEND_HOURS = cumulate([3, 2, 2, 2, 2, 3, 4, 6, 8, 10, 11, 11, 10, 10, 10, 9, 9, 8, 7, 6, 5, 5, 4, 3]);

// ---- Per-incident tables -----------------------------------------------------
const CONTACT = ['Phone', 'Email', 'Self service', 'Walk-in', 'Chat'];
const CONTACT_CUM = cumulate([30, 25, 30, 5, 10]);
const LIVE = new Set(['Phone', 'Walk-in', 'Chat']);
const PRIORITY = ['1 - Critical', '2 - High', '3 - Moderate', '4 - Low'];
const PRIORITY_CUM = cumulate([2, 10, 60, 28]);
const LEVEL = ['1 - High', '2 - Medium', '3 - Low'];
// ServiceNow's priority matrix read backwards: impact x urgency pairs (1-based) per priority.
const IMPACT_URGENCY = [[[1, 1]], [[1, 2], [2, 1]], [[1, 3], [2, 2], [3, 1]], [[2, 3], [3, 2], [3, 3]]];
const RESOLVE_MEDIAN_H = [2.5, 10, 26, 50];              // lognormal medians, hours
const FIRST_RESPONSE_MEDIAN_MIN = [4, 12, 40, 90];
const SLA_TARGET_H = [4, 24, 72, 120];                   // made_sla: resolved within this
const CATEGORIES = 40;
const CATEGORY_WEIGHT = Array.from({ length: CATEGORIES }, (_, i) => 1 / Math.pow(i + 1, 0.8)); // Zipf-like
const FADING = new Set([3, 7]);                          // categories a fix eliminates mid-year
const categoryCumByMonth = Array.from({ length: 12 }, (_, m) =>
    cumulate(CATEGORY_WEIGHT.map((w, i) => (FADING.has(i + 1) && m >= 5 ? w * Math.max(0.1, 1 - 0.25 * (m - 4)) : w))));
const GROUPS = 30;
const callers = Math.max(1000, Math.floor(total / 20));
const OPEN_STATES = ['Active', 'New', 'Awaiting User Info'];
const OPEN_STATE_CUM = cumulate([55, 20, 25]);

// ---- Timestamp formatting ------------------------------------------------------
// Date.toISOString for every stamp would dominate the run; day strings are
// cached and the time of day is assembled from two-digit strings instead.
const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const dayStrings = new Map();
function stamp(t) {
    const d = Math.floor(t / DAY);
    let day = dayStrings.get(d);
    if (day === undefined) {
        day = new Date(d * DAY * 1000).toISOString().slice(0, 10);
        dayStrings.set(d, day);
    }
    const s = t - d * DAY;
    return `${day} ${TWO[Math.floor(s / HOUR)]}:${TWO[Math.floor(s / MINUTE) % 60]}:${TWO[s % 60]}`;
}

// ---- Writing ---------------------------------------------------------------------
const out = createWriteStream(outPath);
const write = text => (out.write(text) ? Promise.resolve() : new Promise(resolve => out.once('drain', resolve)));
await write('number,incident_state,contact_type,category,subcategory,priority,impact,urgency,assignment_group,' +
    'caller_id,cmdb_ci,rfc,opened_at,u_first_response_at,resolved_at,closed_at,sys_updated_at,made_sla,' +
    'reassignment_count,reopen_count,sys_mod_count\n');

const numberWidth = Math.max(7, String(total).length);
let number = 0;
// One string appended to and flushed each MiB: far less garbage than an
// array of lines joined (GC took most of the time that way).
let chunk = '';
for (let d = 0; d < DAYS; d++) {
    const weekend = [0, 6].includes(new Date((YEAR_START + d * DAY) * 1000).getUTCDay());
    const hours = weekend ? WEEKEND_HOURS : WEEKDAY_HOURS;
    // Opening times of the day, sorted, so incident numbers rise with opened_at
    // as they do in a real export.
    const opened = new Float64Array(dayCount[d]);
    for (let i = 0; i < opened.length; i++) opened[i] = YEAR_START + d * DAY + pick(hours) * HOUR + randInt(0, HOUR - 1);
    opened.sort();
    const month = new Date((YEAR_START + d * DAY) * 1000).getUTCMonth();
    const spike = spikes.get(d);
    // Shift-left over the year: the chance of any reassignment falls from 30 % to 20 %.
    const reassignChance = 0.30 - 0.10 * d / DAYS;

    for (const openedAt of opened) {
        number++;
        const p = pick(PRIORITY_CUM);
        const [impact, urgency] = IMPACT_URGENCY[p][randInt(0, IMPACT_URGENCY[p].length - 1)];
        const contact = CONTACT[pick(CONTACT_CUM)];
        const fromChange = spike !== undefined && rand() < spike.carry;
        const category = fromChange ? spike.category : 1 + pick(categoryCumByMonth[month]);
        const ci = fromChange ? `CI ${spike.ci}` : rand() < 0.25 ? '?' : `CI ${randInt(1, 2000)}`;
        const rfc = fromChange ? spike.rfc : rand() < 0.02 ? `CHG${String(randInt(1000, 9999999)).padStart(7, '0')}` : '?';

        // A live contact is often fixed while the caller is still there.
        const quickFix = LIVE.has(contact) && p >= 1 && rand() < 0.45; // not for critical ones
        let reassignments = 0;
        if (!quickFix && rand() < reassignChance) reassignments = 1 + (rand() < 0.3 ? 1 + (rand() < 0.3 ? 1 : 0) : 0);
        const group = reassignments > 0 || rand() < 0.4 ? `Group ${1 + ((category * 7 + randInt(0, 2)) % GROUPS)}` : 'Service Desk';

        let resolveSeconds = quickFix
            ? randInt(3 * MINUTE, 50 * MINUTE)
            : Math.max(5 * MINUTE, Math.round(lognormal(RESOLVE_MEDIAN_H[p] * HOUR, 1.0) * (1 + 0.6 * reassignments)));
        let firstResponse = openedAt + (quickFix ? randInt(30, 4 * MINUTE)
            : Math.max(30, Math.round(lognormal(FIRST_RESPONSE_MEDIAN_MIN[p] * MINUTE, 0.9))));
        // Stuck incidents (waiting for a user, a vendor): more of them recent.
        const ageDays = (EXPORT_AT - openedAt) / DAY;
        const stuck = rand() < 0.025 + 0.45 * Math.exp(-ageDays / 20);
        const canceled = !stuck && rand() < 0.01;
        let resolvedAt = openedAt + resolveSeconds;
        const open = stuck || (!canceled && resolvedAt >= EXPORT_AT);

        let stateText, resolved = '?', closed = '?', madeSla, reopens = 0, updated;
        if (canceled) {
            stateText = 'Canceled';
            const closedAt = Math.min(EXPORT_AT - 1, openedAt + randInt(10 * MINUTE, 2 * DAY));
            closed = stamp(closedAt);
            firstResponse = Math.min(firstResponse, closedAt);
            madeSla = 'true';
            updated = closedAt;
        } else if (open) {
            stateText = OPEN_STATES[pick(OPEN_STATE_CUM)];
            // Not breached until the target has passed (as ServiceNow keeps it).
            madeSla = EXPORT_AT - openedAt <= SLA_TARGET_H[p] * HOUR ? 'true' : 'false';
            if (stateText === 'New') firstResponse = EXPORT_AT; // nobody has answered yet
            updated = Math.min(EXPORT_AT - 1, Math.max(openedAt, firstResponse) + randInt(0, 3 * DAY));
        } else {
            resolved = stamp(resolvedAt);
            firstResponse = Math.min(firstResponse, resolvedAt);
            madeSla = resolveSeconds <= SLA_TARGET_H[p] * HOUR ? 'true' : 'false';
            const r = rand();
            reopens = r < 0.035 ? 1 : r < 0.04 ? 2 : 0;
            // Auto-close three days after resolution, if that is before the export.
            const closedAt = resolvedAt + 3 * DAY;
            stateText = closedAt < EXPORT_AT ? 'Closed' : 'Resolved';
            if (closedAt < EXPORT_AT) closed = stamp(closedAt);
            updated = Math.min(EXPORT_AT - 1, closedAt < EXPORT_AT ? closedAt : resolvedAt + randInt(0, HOUR));
        }
        if (rand() < 0.005) madeSla = '?';                                   // SLA not attached
        const firstText = firstResponse >= EXPORT_AT || rand() < 0.01 ? '?' : stamp(firstResponse);
        const mods = 3 + 2 * reassignments + 3 * reopens + randInt(0, 8);

        chunk += `INC${String(number).padStart(numberWidth, '0')},${stateText},${contact},Category ${category},` +
            `Subcategory ${randInt(1, 6)},${PRIORITY[p]},${LEVEL[impact - 1]},${LEVEL[urgency - 1]},${group},` +
            `Caller ${randInt(1, callers)},${ci},${rfc},${stamp(openedAt)},${firstText},${resolved},${closed},` +
            `${stamp(updated)},${madeSla},${reassignments},${reopens},${mods}\n`;
        if (chunk.length > 1 << 20) {
            await write(chunk);
            chunk = '';
        }
    }
}
await write(chunk);
out.end();
await new Promise((resolve, reject) => { out.on('finish', resolve); out.on('error', reject); });
