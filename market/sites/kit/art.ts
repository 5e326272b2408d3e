// Generated images for the sites, never photos: abstract product art for listings and a map of a
// fictional city for dead-drop orders. Both are pure functions of their inputs (a seeded Rng), so
// a listing looks the same every time, and both carry the training mark. Every text that reaches
// an image goes through escapeXml.
import { Rng } from '../../../chain/rng.ts';
import { escapeXml } from './escape.ts';
import { TRAINING_MARK } from './mark.ts';

/** Base hues per listing category, so a category has a recognisable look across vendors. */
const CATEGORY_HUE: Record<string, number> = {
  cannabis: 110,
  stimulants: 200,
  ecstasy: 300,
  opioids: 25,
  psychedelics: 270,
  prescription: 175,
  nps: 55,
  stolen_data: 215,
  malware: 0,
  forged_documents: 35,
};

function svgDoc(width: number, height: number, label: string, body: string, metadata = ''): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(label)}">` +
    `<title>${escapeXml(label)}</title>${metadata}${body}</svg>`
  );
}

/** Abstract art for a listing: shapes and colours drawn from `key` (e.g. world seed + listing id). */
export function productArtSvg(key: string, category: string, label: string): string {
  const rng = Rng.fromSeed(`art/${key}`);
  const W = 320;
  const H = 240;
  const base = (CATEGORY_HUE[category] ?? rng.int(0, 359)) + rng.int(-15, 15);
  const hsl = (dh: number, s: number, l: number, a = 1) => `hsla(${(((base + dh) % 360) + 360) % 360},${s}%,${l}%,${a})`;
  const parts: string[] = [];
  parts.push(`<rect width="${W}" height="${H}" fill="${hsl(0, 35, 18)}"/>`);
  parts.push(`<path d="M0 ${rng.int(140, 200)} C ${rng.int(60, 120)} ${rng.int(80, 160)}, ${rng.int(180, 260)} ${rng.int(160, 240)}, ${W} ${rng.int(100, 180)} L ${W} ${H} L 0 ${H} Z" fill="${hsl(20, 40, 28)}"/>`);
  const shapes = rng.int(4, 8);
  for (let i = 0; i < shapes; i++) {
    const x = rng.int(20, W - 20);
    const y = rng.int(20, H - 20);
    const r = rng.int(14, 70);
    const fill = hsl(rng.int(-40, 40), rng.int(40, 75), rng.int(35, 70), Number((0.45 + rng.float() * 0.5).toFixed(2)));
    switch (rng.int(0, 3)) {
      case 0:
        parts.push(`<circle cx="${x}" cy="${y}" r="${r}" fill="${fill}"/>`);
        break;
      case 1:
        parts.push(`<rect x="${x - r}" y="${y - r / 2}" width="${2 * r}" height="${r}" rx="${rng.int(0, 12)}" transform="rotate(${rng.int(-45, 45)} ${x} ${y})" fill="${fill}"/>`);
        break;
      case 2: {
        const n = rng.int(3, 7);
        const pts = Array.from({ length: n }, (_, k) => {
          const a = (2 * Math.PI * k) / n + rng.float() * 0.4;
          return `${Math.round(x + r * Math.cos(a))},${Math.round(y + r * Math.sin(a))}`;
        }).join(' ');
        parts.push(`<polygon points="${pts}" fill="${fill}"/>`);
        break;
      }
      default:
        for (let k = 3; k > 0; k--) parts.push(`<circle cx="${x}" cy="${y}" r="${Math.round((r * k) / 3)}" fill="none" stroke="${fill}" stroke-width="${rng.int(2, 6)}"/>`);
    }
  }
  parts.push(`<rect x="0" y="${H - 22}" width="${W}" height="22" fill="rgba(0,0,0,0.55)"/>`);
  parts.push(`<text x="8" y="${H - 7}" font-family="sans-serif" font-size="11" fill="#f4f4f4">${escapeXml(TRAINING_MARK)} · generated image</text>`);
  return svgDoc(W, H, label, parts.join(''));
}

export interface CityMapGps {
  /** Decimal degrees; the lab plants synthetic values (see the shop market). */
  lat: number;
  lon: number;
  /** e.g. 'fictional phone RN-8' */
  device: string;
  /** 'YYYY-MM-DD HH:MM:SS' */
  taken: string;
}

export interface CityMapSpec {
  /** Seed for the street layout (e.g. world seed + city). */
  key: string;
  /** Shown in the map's title; escaped. */
  title: string;
  /** District names, shown in their cells; escaped. */
  districts: readonly string[];
  /** Index of the district holding the marker (or -1 for none). */
  highlight: number;
  /** Key for the marker's position within the district (e.g. the order id). */
  markerKey?: string;
  /** Caption under the map; escaped. */
  caption: string;
  /** Metadata left in the image, as careless vendors leave EXIF GPS in drop photos. */
  gps?: CityMapGps;
}

/** A map of a fictional city: a river, a street grid, parks, district labels and a marker. */
export function cityMapSvg(spec: CityMapSpec): string {
  const rng = Rng.fromSeed(`map/${spec.key}`);
  const W = 480;
  const H = 360;
  const parts: string[] = [];
  parts.push(`<rect width="${W}" height="${H}" fill="#efeae0"/>`);
  const n = Math.max(1, spec.districts.length);
  const cols = Math.ceil(Math.sqrt(n * 1.4));
  const rows = Math.ceil(n / cols);
  const top = 26;
  const bottom = H - 40;
  const cw = W / cols;
  const ch = (bottom - top) / rows;
  // Parks and blocks under the streets.
  for (let i = 0; i < 6; i++) {
    parts.push(`<rect x="${rng.int(0, W - 60)}" y="${rng.int(top, bottom - 40)}" width="${rng.int(30, 70)}" height="${rng.int(20, 50)}" rx="6" fill="#cfe3c1"/>`);
  }
  for (let x = rng.int(10, 30); x < W; x += rng.int(24, 44)) parts.push(`<line x1="${x}" y1="${top}" x2="${x + rng.int(-12, 12)}" y2="${bottom}" stroke="#fff" stroke-width="${rng.bool(0.2) ? 5 : 2}"/>`);
  for (let y = top + rng.int(8, 24); y < bottom; y += rng.int(20, 36)) parts.push(`<line x1="0" y1="${y}" x2="${W}" y2="${y + rng.int(-10, 10)}" stroke="#fff" stroke-width="${rng.bool(0.2) ? 5 : 2}"/>`);
  const ry = rng.int(top + 40, bottom - 40);
  parts.push(`<path d="M0 ${ry} C ${W / 3} ${ry + rng.int(-60, 60)}, ${(2 * W) / 3} ${ry + rng.int(-60, 60)}, ${W} ${ry + rng.int(-40, 40)}" stroke="#9cc3e4" stroke-width="${rng.int(10, 18)}" fill="none"/>`);
  spec.districts.forEach((name, i) => {
    const cx = (i % cols) * cw;
    const cy = top + Math.floor(i / cols) * ch;
    const on = i === spec.highlight;
    parts.push(`<rect x="${cx + 3}" y="${cy + 3}" width="${cw - 6}" height="${ch - 6}" fill="${on ? 'rgba(214,69,65,0.12)' : 'none'}" stroke="${on ? '#d64541' : '#b9ad99'}" stroke-width="${on ? 3 : 1}" stroke-dasharray="${on ? '' : '4 3'}"/>`);
    parts.push(`<text x="${cx + cw / 2}" y="${cy + 18}" text-anchor="middle" font-family="sans-serif" font-size="12" fill="#4a4133">${escapeXml(name)}</text>`);
  });
  if (spec.highlight >= 0 && spec.highlight < spec.districts.length) {
    const m = Rng.fromSeed(`map/${spec.key}/marker/${spec.markerKey ?? ''}`);
    const cx = (spec.highlight % cols) * cw;
    const cy = top + Math.floor(spec.highlight / cols) * ch;
    const mx = Math.round(cx + cw * (0.25 + 0.5 * m.float()));
    const my = Math.round(cy + 24 + (ch - 30) * (0.2 + 0.6 * m.float()));
    parts.push(`<path d="M${mx} ${my} l -9 -18 a 10 10 0 1 1 18 0 z" fill="#d64541" stroke="#7a1f1c" stroke-width="1.5"/><circle cx="${mx}" cy="${my - 22}" r="3.5" fill="#fff"/>`);
  }
  parts.push(`<rect x="0" y="0" width="${W}" height="${top - 4}" fill="rgba(255,255,255,0.8)"/>`);
  parts.push(`<text x="8" y="16" font-family="sans-serif" font-size="13" font-weight="bold" fill="#333">${escapeXml(spec.title)}</text>`);
  parts.push(`<rect x="0" y="${H - 36}" width="${W}" height="36" fill="rgba(0,0,0,0.7)"/>`);
  parts.push(`<text x="8" y="${H - 21}" font-family="sans-serif" font-size="11" fill="#fff">${escapeXml(spec.caption)}</text>`);
  parts.push(`<text x="8" y="${H - 7}" font-family="sans-serif" font-size="10" fill="#ffd27a">${escapeXml(TRAINING_MARK)} · fictional city · not a real location</text>`);
  let metadata = '';
  if (spec.gps) {
    const g = spec.gps;
    const lines = [
      'EXIF (synthetic, planted for an OPSEC exercise)',
      `Model: ${g.device}`,
      `DateTimeOriginal: ${g.taken}`,
      `GPSLatitude: ${Math.abs(g.lat).toFixed(6)} ${g.lat >= 0 ? 'N' : 'S'}`,
      `GPSLongitude: ${Math.abs(g.lon).toFixed(6)} ${g.lon >= 0 ? 'E' : 'W'}`,
      `GPSPosition: ${g.lat.toFixed(6)}, ${g.lon.toFixed(6)}`,
    ];
    metadata = `<metadata id="exif">${escapeXml(lines.join('\n'))}</metadata>`;
  }
  return svgDoc(W, H, spec.title, parts.join(''), metadata);
}
