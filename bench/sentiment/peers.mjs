// bench/sentiment peers: three npm sentiment packages on labelled sentences,
// for accuracy and for single-threaded speed.
//   node peers.mjs FILE...
// Each FILE is `text<TAB>label` per line, label 0 (negative) or 1 (positive);
// a first line whose last tab-field is not a label is a header and skipped,
// the text is everything before the last tab with its trailing whitespace
// stripped. Prints one JSON document:
//   {peers: {name: {version, rule}},
//    files: {basename: {n, bytes, peers: {name: {accuracy, macro_f1, neutral_share, texts_per_s, mb_per_s}}}}}
// macro_f1 is the mean of the F1 of class 0 and of class 1; neutral_share is
// the share of texts the peer scored exactly 0. Speed: only the scoring loop is
// timed, after the packages are loaded and a warm-up pass over the set; the
// whole set is scored again and again until at least 1 s has elapsed, three
// such timings (the peers take turns, so drift favours no one) and the median
// is reported; MB are 10^6 bytes of the texts as scored (UTF-8, stripped).
// The packages are imported from the node_modules beside this file (bench/sentiment/run
// copies it there), so nothing is installed in the repo.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createRequire } from 'node:module';
import vader from 'vader-sentiment';
import Sentiment from 'sentiment';
import winkSentiment from 'wink-sentiment';

const require = createRequire(import.meta.url);
const version = name => require(`${name}/package.json`).version;

// Each peer: score(text) -> number, and the rule that turns it into 0/1. Our
// plugins (servicelens sentiment eval) count a neutral text as negative too.
const afinn = new Sentiment();
const peers = {
    'vader-sentiment': {
        score: text => vader.SentimentIntensityAnalyzer.polarity_scores(text).compound,
        positive: s => s >= 0.05,
        rule: 'compound >= 0.05 is positive, anything else (the -0.05..0.05 neutral band and below) negative; the threshold of the VADER README',
    },
    sentiment: {
        // .comparative is .score divided by the token count: the same sign.
        score: text => afinn.analyze(text).score,
        positive: s => s > 0,
        rule: 'AFINN-165 score > 0 is positive, anything else (0, neutral, included) negative',
    },
    'wink-sentiment': {
        // .normalizedScore has the sign of .score for text without hashtags.
        score: text => winkSentiment(text).score,
        positive: s => s > 0,
        rule: 'score > 0 is positive, anything else (0, neutral, included) negative',
    },
};

function load(path) {
    const lines = readFileSync(path, 'utf8').replace(/^\uFEFF/, '').split('\n');
    const texts = [], labels = [];
    lines.forEach((raw, i) => {
        const line = raw.replace(/\r$/, '');
        if (line.trim() === '') return;
        const tab = line.lastIndexOf('\t');
        const label = tab < 0 ? '' : line.slice(tab + 1).trim();
        if (label !== '0' && label !== '1') {
            if (i === 0) return; // header
            throw new Error(`${path}:${i + 1}: the last tab-separated field is not a label 0/1`);
        }
        texts.push(line.slice(0, tab).replace(/\s+$/u, ''));
        labels.push(Number(label));
    });
    if (texts.length === 0) throw new Error(`${path}: no labelled lines`);
    return { texts, labels, bytes: texts.reduce((sum, t) => sum + Buffer.byteLength(t, 'utf8'), 0) };
}

function quality(labels, scores, positive) {
    const confusion = [[0, 0], [0, 0]]; // [true label][predicted]
    let neutral = 0;
    labels.forEach((label, i) => {
        confusion[label][positive(scores[i]) ? 1 : 0]++;
        if (scores[i] === 0) neutral++;
    });
    const n = labels.length;
    const f1 = c => {
        const tp = confusion[c][c], fp = confusion[1 - c][c], fn = confusion[c][1 - c];
        return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
    };
    return {
        accuracy: (confusion[0][0] + confusion[1][1]) / n,
        macro_f1: (f1(0) + f1(1)) / 2,
        neutral_share: neutral / n,
    };
}

// One timing: the whole set, as many times as it takes to pass 1 s. The sink
// keeps the scores alive so that no call can be optimised away.
let sink = 0;
function timeOnce(score, positive, texts) {
    let passes = 0, elapsed = 0;
    const started = process.hrtime.bigint();
    do {
        for (let i = 0; i < texts.length; i++) if (positive(score(texts[i]))) sink++;
        passes++;
        elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    } while (elapsed < 1);
    return { passes, elapsed };
}

const median = xs => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const round = (x, digits) => Number(x.toFixed(digits));

const files = process.argv.slice(2);
if (files.length === 0) {
    process.stderr.write('usage: node peers.mjs FILE...\n');
    process.exit(2);
}
const out = {
    peers: Object.fromEntries(Object.entries(peers).map(([name, p]) => [name, { version: version(name), rule: p.rule }])),
    files: {},
};
const TIMINGS = 3;
for (const path of files) {
    const { texts, labels, bytes } = load(path);
    const result = {};
    for (const [name, p] of Object.entries(peers)) {
        const scores = texts.map(p.score); // also the warm-up pass
        result[name] = quality(labels, scores, p.positive);
        result[name].rates = [];
    }
    for (let t = 0; t < TIMINGS; t++) {
        for (const [name, p] of Object.entries(peers)) {
            const { passes, elapsed } = timeOnce(p.score, p.positive, texts);
            result[name].rates.push((passes * texts.length) / elapsed);
        }
    }
    const byPeer = {};
    for (const [name, r] of Object.entries(result)) {
        const rate = median(r.rates);
        byPeer[name] = {
            accuracy: round(r.accuracy, 4),
            macro_f1: round(r.macro_f1, 4),
            neutral_share: round(r.neutral_share, 4),
            texts_per_s: Math.round(rate),
            mb_per_s: round((rate * bytes) / texts.length / 1e6, 3),
        };
    }
    out.files[basename(path)] = { n: texts.length, bytes, peers: byPeer };
}
if (sink < 0) process.stderr.write(''); // use the sink
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
