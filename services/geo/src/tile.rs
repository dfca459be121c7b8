//! The slippy-map tile (Web Mercator, 256 px tiles) that contains a point,
//! and the point's pixel on it.

use vc_protocol::geo::MapTile;

/// Tile side in pixels.
pub const TILE_PX: f64 = 256.0;

/// Web Mercator's latitude limit (the map is a square).
const MAX_LAT: f64 = 85.051_128_779_806_59;

/// The fractional tile coordinates of (lat, lon) at `zoom`.
pub fn tile_position(lat: f64, lon: f64, zoom: u8) -> (f64, f64) {
    let n = f64::from(1u32 << zoom.min(30));
    let lat = lat.clamp(-MAX_LAT, MAX_LAT).to_radians();
    let x = (lon + 180.0) / 360.0 * n;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n;
    // The east edge (lon 180) and the clamped south edge belong to the last tile.
    let last = n - 1e-9;
    (x.clamp(0.0, last), y.clamp(0.0, last))
}

/// The tile of `template` (`{z}`, `{x}`, `{y}`) containing the point.
pub fn tile_for(template: &str, lat: f64, lon: f64, zoom: u8) -> MapTile {
    let (fx, fy) = tile_position(lat, lon, zoom);
    let (tx, ty) = (fx.floor(), fy.floor());
    let url = template
        .replace("{z}", &zoom.to_string())
        .replace("{x}", &format!("{}", tx as u64))
        .replace("{y}", &format!("{}", ty as u64));
    MapTile { url, x: (fx - tx) * TILE_PX, y: (fy - ty) * TILE_PX }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OSM: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";

    #[test]
    fn the_red_square_is_on_its_tile() {
        // Moscow, Red Square, zoom 16: tile 39616/20488.
        let t = tile_for(OSM, 55.751244, 37.618423, 16);
        assert_eq!(t.url, "https://tile.openstreetmap.org/16/39616/20488.png");
        assert!((0.0..256.0).contains(&t.x) && (0.0..256.0).contains(&t.y), "{t:?}");
        // Exact pixel from the formula: x = frac((lon+180)/360 * 2^16) * 256.
        let expect_x = ((37.618423 + 180.0) / 360.0 * 65536.0f64).fract() * 256.0;
        assert!((t.x - expect_x).abs() < 1e-6);
        assert!((t.x - 57.5785).abs() < 1e-3 && (t.y - 50.1318).abs() < 1e-3, "{t:?}");
    }

    #[test]
    fn corners_and_the_equator() {
        assert_eq!(tile_position(0.0, 0.0, 1), (1.0, 1.0));
        let t = tile_for(OSM, 0.0, 0.0, 0);
        assert_eq!(t.url, "https://tile.openstreetmap.org/0/0/0.png");
        assert!((t.x - 128.0).abs() < 1e-9 && (t.y - 128.0).abs() < 1e-9);
        // North-west corner, and the poles clamp to the map's edge.
        let t = tile_for(OSM, 89.9, -180.0, 3);
        assert_eq!(t.url, "https://tile.openstreetmap.org/3/0/0.png");
        assert!(t.x.abs() < 1e-9 && t.y.abs() < 1e-6);
        let t = tile_for(OSM, -89.9, 180.0, 3);
        assert_eq!(t.url, "https://tile.openstreetmap.org/3/7/7.png");
        // Sydney (southern + eastern hemisphere) at zoom 10: tile 942/614.
        let t = tile_for(OSM, -33.8688, 151.2093, 10);
        assert_eq!(t.url, "https://tile.openstreetmap.org/10/942/614.png");
    }
}
