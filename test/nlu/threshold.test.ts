/**
 * The out-of-scope threshold is the model's own: chosen on held-out folds of
 * whatever it was trained on, so different data gives a different threshold;
 * the bot uses it unless the content sets one explicitly.
 */
import { loadContent } from '../../bot/content/load';
import { OUT_OF_SCOPE } from '../../bot/content/schemas';
import type { Brain } from '../../bot/engine/context';
import { thresholdOf, understand } from '../../bot/engine/understand';
import { REFUSED_SHARE, bestIntent } from '../../bot/nlu/calibrate';
import { IntentClassifier, type Example } from '../../bot/nlu/classifier';
import { foldJobs, runFold, trainWithHeldOut } from '../../bot/nlu/heldout';
import { EmbeddedBackOffice } from '../../integrations/backoffice/embedded';
import { root } from '../support/harness';
import { channelRegistry } from '../../bot/compose';

jest.setTimeout(120_000);

const content = loadContent(root, { actions: EmbeddedBackOffice.actionNames, channels: channelRegistry.names() });
const demo: Example[] = [
  ...[...content.intents.values()].flatMap((i) => i.examples.map((text) => ({ text, label: i.intent }))),
  ...content.outOfScope.map((text) => ({ text, label: OUT_OF_SCOPE })),
];

/** The demo's examples with two pairs of intents blurred together: the same words now mean either. */
function blurred(): Example[] {
  const swap: Record<string, string> = { check_balance: 'make_payment', make_payment: 'check_balance', track_order: 'upgrade_device', upgrade_device: 'track_order' };
  return demo.map((e, i) => (swap[e.label] && i % 2 === 0 ? { text: e.text, label: swap[e.label]! } : e));
}

describe('the threshold a model chooses', () => {
  const clean = trainWithHeldOut(demo, { oosLabel: OUT_OF_SCOPE });

  it('comes from held-out folds: it answers all but the stated share of the held-out messages it understood', () => {
    const { threshold, temperature } = clean.calibration;
    expect(clean.model.threshold).toBe(threshold);
    expect(threshold).toBeGreaterThan(0.1);
    expect(threshold).toBeLessThan(0.9);
    // Redo the held-out folds by hand and count what the threshold refuses.
    const understood: number[] = [];
    for (const { job, gold } of foldJobs(demo)) {
      const fold = runFold(job, {});
      fold.logits.forEach((z, i) => {
        if (gold[i] === OUT_OF_SCOPE) return;
        const best = bestIntent(z, temperature, fold.labels.indexOf(OUT_OF_SCOPE));
        if (fold.labels[best.index] === gold[i]) understood.push(best.confidence);
      });
    }
    const refused = understood.filter((c) => c < threshold).length / understood.length;
    expect(refused).toBeLessThanOrEqual(REFUSED_SHARE);
    expect(refused).toBeGreaterThan(REFUSED_SHARE - 0.01);
  });

  it('changes when the data changes', () => {
    const other = trainWithHeldOut(blurred(), { oosLabel: OUT_OF_SCOPE });
    // Blurred intents make the model less sure of what it gets right: a lower bar.
    expect(other.calibration.threshold).toBeLessThan(clean.calibration.threshold - 0.02);
  });

  it('is chosen on CSV-like data without any out-of-scope examples too', () => {
    const intentsOnly = trainWithHeldOut(
      demo.filter((e) => e.label !== OUT_OF_SCOPE),
      {},
    );
    expect(intentsOnly.model.labels).not.toContain(OUT_OF_SCOPE);
    expect(intentsOnly.calibration.threshold).toBeGreaterThan(0.1);
  });

  it('is calibrated on the demo content: confidence matches how often it is right', () => {
    expect(clean.calibration.calibration_error).toBeLessThan(0.05);
  });
});

describe('the threshold the bot uses', () => {
  const model: IntentClassifier = trainWithHeldOut(demo.slice(0, 200), {}).model;
  const brainWith = (threshold: number | undefined): Brain => {
    const c = content;
    const understanding = { ...c.assistant.understanding };
    if (threshold === undefined) delete understanding.threshold;
    else understanding.threshold = threshold;
    return { content: { ...c, assistant: { ...c.assistant, understanding } }, model };
  };

  it("is the model's when the content sets none, and the content's when it does", () => {
    expect(thresholdOf(brainWith(undefined))).toBe(model.threshold);
    expect(thresholdOf(brainWith(0.99))).toBe(0.99);
    // An explicit 1 makes a message the model's own threshold accepts out of scope.
    const text = demo[0]!.text;
    expect(understand(brainWith(undefined), text).kind).toBe('intent');
    expect(understand(brainWith(1), text).kind).not.toBe('intent');
  });
});
