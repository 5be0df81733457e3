// How far a photo was taken from the community office: the great-circle
// (haversine) distance between two WGS-84 points, and the rounding a
// reviewer reads ("距社区约 350 米"): GPS in a phone is good to tens of metres.

export interface LatLon {
  lat: number;
  lon: number;
}

/** Mean Earth radius (IUGG), metres. */
const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in metres. */
export function distanceMeters(a: LatLon, b: LatLon): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Metres as a person reads them: to 10 m below 1 km, to 100 m above (no false precision). */
export function roundDistance(meters: number): number {
  return meters < 1000 ? Math.round(meters / 10) * 10 : Math.round(meters / 100) * 100;
}
