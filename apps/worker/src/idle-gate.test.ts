import { describe, expect, it } from 'vitest';
import { IdleGate } from './idle-gate.js';

describe('IdleGate', () => {
  it('lets a waiter through at once when idle, and otherwise when the last work ends', async () => {
    const gate = new IdleGate();
    await gate.idle();
    const order: string[] = [];
    let finishFirst!: () => void;
    let finishSecond!: () => void;
    const first = gate.during(() => new Promise<void>((r) => (finishFirst = r)));
    const second = gate.during(() => new Promise<void>((r) => (finishSecond = r)));
    const waited = gate.idle().then(() => order.push('idle'));
    finishFirst();
    await first;
    order.push('first done');
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual(['first done']);
    finishSecond();
    await second;
    await waited;
    expect(order).toEqual(['first done', 'idle']);
  });

  it('runs yielding turns one at a time, each after the active work ended', async () => {
    const gate = new IdleGate();
    const order: string[] = [];
    let finish!: () => void;
    const active = gate.during(() => new Promise<void>((r) => (finish = r)));
    const turn = (name: string) =>
      gate.yieldingTurn(async () => {
        order.push(`${name} start`);
        await new Promise((r) => setTimeout(r, 5));
        order.push(`${name} end`);
      });
    const turns = Promise.all([turn('a'), turn('b')]);
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual([]);
    finish();
    await active;
    await turns;
    expect(order).toEqual(['a start', 'a end', 'b start', 'b end']);
  });

  it('counts work that fails as ended', async () => {
    const gate = new IdleGate();
    await expect(gate.during(() => Promise.reject(new Error('no')))).rejects.toThrow('no');
    await gate.idle();
  });
});
