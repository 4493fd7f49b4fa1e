import { describe, expect, it } from 'vitest';
import { AutoLock } from '../../../src-main/core/profiles/index';
import { ManualClock } from './test-keys';

const MINUTE = 60_000;

describe('auto-lock after inactivity', () => {
  it('locks once after N minutes without activity', () => {
    const clock = new ManualClock();
    let locks = 0;
    new AutoLock(15 * MINUTE, () => locks++, clock);
    clock.advance(15 * MINUTE - 1);
    expect(locks).toBe(0);
    clock.advance(1);
    expect(locks).toBe(1);
    clock.advance(60 * MINUTE);
    expect(locks).toBe(1);
  });

  it('activity postpones the lock to N minutes after the last touch', () => {
    const clock = new ManualClock();
    let locks = 0;
    const autoLock = new AutoLock(15 * MINUTE, () => locks++, clock);
    clock.advance(10 * MINUTE);
    autoLock.touch();
    clock.advance(14 * MINUTE);
    expect(locks).toBe(0);
    clock.advance(1 * MINUTE);
    expect(locks).toBe(1);
  });

  it('touch on every keystroke keeps a single timer', () => {
    const clock = new ManualClock();
    const autoLock = new AutoLock(15 * MINUTE, () => {}, clock);
    for (let i = 0; i < 1000; i++) {
      clock.advance(100);
      autoLock.touch();
    }
    expect(clock.pending).toBe(1);
  });

  it('a stopped auto-lock never fires', () => {
    const clock = new ManualClock();
    let locks = 0;
    new AutoLock(MINUTE, () => locks++, clock).stop();
    clock.advance(10 * MINUTE);
    expect(locks).toBe(0);
    expect(clock.pending).toBe(0);
  });
});
