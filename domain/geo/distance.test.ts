import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { distanceMeters, roundDistance } from './distance';

describe('distanceMeters (haversine)', () => {
  it('is zero for the same point', () => {
    expect(distanceMeters({ lat: 30.25, lon: 120.16667 }, { lat: 30.25, lon: 120.16667 })).toBe(0);
  });

  it('gives one degree of latitude as about 111.2 km, and a known city pair', () => {
    expect(distanceMeters({ lat: 30, lon: 120 }, { lat: 31, lon: 120 })).toBeCloseTo(111_195, -1);
    // Hangzhou (West Lake) to Shanghai (People's Square): about 164 km as the crow flies.
    const km = distanceMeters({ lat: 30.2425, lon: 120.1487 }, { lat: 31.2304, lon: 121.4737 }) / 1000;
    expect(km).toBeGreaterThan(160);
    expect(km).toBeLessThan(170);
  });

  it('gives a few hundred metres for points a few hundred metres apart (0.00315° of latitude ≈ 350 m)', () => {
    expect(roundDistance(distanceMeters({ lat: 30.25, lon: 120.16667 }, { lat: 30.25315, lon: 120.16667 }))).toBe(350);
  });

  it('is symmetric and never negative', () => {
    const point = fc.record({ lat: fc.double({ min: -90, max: 90, noNaN: true }), lon: fc.double({ min: -180, max: 180, noNaN: true }) });
    fc.assert(
      fc.property(point, point, (a, b) => {
        const d = distanceMeters(a, b);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(Math.PI * 6_371_008.8 + 1);
        expect(Math.abs(d - distanceMeters(b, a))).toBeLessThan(1e-6);
      }),
    );
  });
});

describe('roundDistance', () => {
  it('rounds to 10 m below a kilometre and to 100 m above', () => {
    expect([
      roundDistance(0),
      roundDistance(4),
      roundDistance(346),
      roundDistance(999),
      roundDistance(1049),
      roundDistance(12_345),
    ]).toEqual([0, 0, 350, 1000, 1000, 12_300]);
  });
});
