//! The client's position in the EXIF of captures (screenshots, photos,
//! annotated screenshots): a JPEG gets GPS fields and the capture time,
//! written with `kamadak-exif` (reads what the image had, writes the new
//! TIFF/EXIF block) and `img-parts` (replaces or inserts the APP1 segment;
//! the image data is not touched). What the image already carried stays,
//! in particular its Orientation; earlier GPS fields and the original date
//! are replaced by ours.

use std::collections::HashSet;
use std::io::Cursor;

use chrono::{DateTime, Datelike, Timelike, Utc};
use exif::experimental::Writer;
use exif::{Context, Exif, Field, In, Rational, Tag, Value};
use img_parts::jpeg::Jpeg;
use img_parts::{Bytes, ImageEXIF};
use vc_protocol::geo::{LocationFix, valid_point};

/// The largest EXIF block one APP1 segment holds: 65535 minus the length
/// field (2) and the `Exif\0\0` prefix (6).
const EXIF_MAX_BYTES: usize = 65_535 - 2 - 6;
/// Seconds of arc are written in millionths (1e-6″ ≈ 3e-10°).
const MICROS_PER_SECOND: u64 = 1_000_000;
const MICROS_PER_DEGREE: u64 = 3600 * MICROS_PER_SECOND;

#[derive(Debug, thiserror::Error)]
pub enum ExifError {
    #[error("not a JPEG image we can rewrite: {0}")]
    NotJpeg(String),
    #[error("the position ({0}, {1}) is not a point on Earth")]
    BadPoint(f64, f64),
    #[error("encoding EXIF: {0}")]
    Encode(String),
    #[error("the EXIF does not fit in one JPEG segment")]
    TooLarge,
}

/// What of the image's own EXIF is kept; tried in this order until the
/// block fits in a segment.
#[derive(Debug, Clone, Copy)]
struct Keep {
    thumbnail: bool,
    maker_note: bool,
}

const ATTEMPTS: [Keep; 3] = [
    Keep { thumbnail: true, maker_note: true },
    Keep { thumbnail: false, maker_note: true },
    Keep { thumbnail: false, maker_note: false },
];

/// `jpeg` with `fix` and `taken_at` in its EXIF. The image's own fields
/// are kept (its GPS fields and DateTimeOriginal are replaced); an EXIF
/// block that cannot be read is replaced by ours.
pub fn add_location(jpeg: Bytes, fix: &LocationFix, taken_at: DateTime<Utc>) -> Result<Bytes, ExifError> {
    if !valid_point(fix.lat, fix.lon) {
        return Err(ExifError::BadPoint(fix.lat, fix.lon));
    }
    let mut image = Jpeg::from_bytes(jpeg).map_err(|e| ExifError::NotJpeg(e.to_string()))?;
    let old = image.exif().and_then(|raw| match exif::Reader::new().read_raw(raw.to_vec()) {
        Ok(e) => Some(e),
        Err(e) => {
            tracing::warn!(error = %e, "a capture's EXIF cannot be read: it is replaced");
            None
        }
    });
    let ours = new_fields(fix, taken_at);
    for keep in ATTEMPTS {
        let block = encode(old.as_ref(), &ours, keep)?;
        if block.len() <= EXIF_MAX_BYTES {
            image.set_exif(Some(Bytes::from(block)));
            return Ok(image.encoder().bytes());
        }
    }
    Err(ExifError::TooLarge)
}

/// The fields we write: GPS (IFD0's GPS IFD) and the capture time (Exif IFD).
fn new_fields(fix: &LocationFix, taken_at: DateTime<Utc>) -> Vec<Field> {
    let field = |tag, value| Field { tag, ifd_num: In::PRIMARY, value };
    let ascii = |s: &str| Value::Ascii(vec![s.as_bytes().to_vec()]);
    let t = fix.measured_at;
    let mut out = vec![
        field(Tag::GPSVersionID, Value::Byte(vec![2, 3, 0, 0])),
        field(Tag::GPSLatitudeRef, ascii(if fix.lat < 0.0 { "S" } else { "N" })),
        field(Tag::GPSLatitude, Value::Rational(dms(fix.lat))),
        field(Tag::GPSLongitudeRef, ascii(if fix.lon < 0.0 { "W" } else { "E" })),
        field(Tag::GPSLongitude, Value::Rational(dms(fix.lon))),
        field(
            Tag::GPSTimeStamp,
            Value::Rational(vec![
                Rational::from((t.hour(), 1)),
                Rational::from((t.minute(), 1)),
                // Milliseconds; a leap second's nanoseconds go past 1e9.
                Rational::from((t.second() * 1000 + (t.nanosecond() / 1_000_000).min(999), 1000)),
            ]),
        ),
        field(Tag::GPSDateStamp, ascii(&format!("{:04}:{:02}:{:02}", t.year(), t.month(), t.day()))),
        field(Tag::GPSMapDatum, ascii("WGS-84")),
        field(Tag::DateTimeOriginal, ascii(&taken_at.format("%Y:%m:%d %H:%M:%S").to_string())),
        field(Tag::OffsetTimeOriginal, ascii("+00:00")),
    ];
    if let Some(alt) = fix.altitude_m.filter(|a| a.is_finite() && a.abs() < 1e6) {
        out.push(field(Tag::GPSAltitudeRef, Value::Byte(vec![u8::from(alt < 0.0)])));
        // Millimetres; below 1e6 m the count fits in u32.
        out.push(field(
            Tag::GPSAltitude,
            Value::Rational(vec![Rational::from(((alt.abs() * 1000.0).round() as u32, 1000))]),
        ));
    }
    out
}

/// Degrees, minutes and seconds (in millionths of a second) of `deg`'s
/// absolute value; the sign goes in the reference field.
fn dms(deg: f64) -> Vec<Rational> {
    // At most 180 × 3600 × 1e6 = 6.5e11: no overflow, exact rounding.
    let micros = (deg.abs() * MICROS_PER_DEGREE as f64).round() as u64;
    let d = micros / MICROS_PER_DEGREE;
    let m = (micros % MICROS_PER_DEGREE) / (60 * MICROS_PER_SECOND);
    let s = micros % (60 * MICROS_PER_SECOND);
    let u = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
    vec![Rational::from((u(d), 1)), Rational::from((u(m), 1)), Rational::from((u(s), u(MICROS_PER_SECOND)))]
}

/// Fields of the image's own EXIF that we replace.
fn replaced(tag: Tag) -> bool {
    tag.context() == Context::Gps
        || tag == Tag::DateTimeOriginal
        || tag == Tag::OffsetTimeOriginal
        || tag == Tag::SubSecTimeOriginal
}

/// The image's JPEG thumbnail (IFD1), if it has one that can be found.
fn thumbnail(old: &Exif) -> Option<&[u8]> {
    let at = |tag| old.get_field(tag, In::THUMBNAIL).and_then(|f| f.value.get_uint(0));
    let start = at(Tag::JPEGInterchangeFormat)? as usize;
    let len = at(Tag::JPEGInterchangeFormatLength)? as usize;
    old.buf().get(start..start.checked_add(len)?)
}

/// The TIFF/EXIF block: the kept fields of `old` plus `ours`.
fn encode(old: Option<&Exif>, ours: &[Field], keep: Keep) -> Result<Vec<u8>, ExifError> {
    let mut writer = Writer::new();
    let mut seen = HashSet::new();
    for f in ours {
        seen.insert((f.tag, f.ifd_num));
        writer.push_field(f);
    }
    let thumb = old.filter(|_| keep.thumbnail).and_then(thumbnail);
    if let Some(old) = old {
        for f in old.fields() {
            let wanted = match f.ifd_num {
                In::PRIMARY => !replaced(f.tag) && (keep.maker_note || f.tag != Tag::MakerNote),
                In::THUMBNAIL => thumb.is_some(),
                _ => false,
            };
            // Unknown value types cannot be written; a field seen twice would be written twice.
            if wanted && !matches!(f.value, Value::Unknown(..)) && seen.insert((f.tag, f.ifd_num)) {
                writer.push_field(f);
            }
        }
    }
    if let Some(jpeg) = thumb {
        writer.set_jpeg(jpeg, In::THUMBNAIL);
    }
    let little_endian = old.is_some_and(Exif::little_endian);
    let mut out = Cursor::new(Vec::new());
    writer.write(&mut out, little_endian).map_err(|e| ExifError::Encode(e.to_string()))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use chrono::TimeZone;
    use exif::{Exif, Field, In, Tag, Value};
    use image::{ImageEncoder, Rgb, RgbImage};

    use super::*;

    fn jpeg() -> Bytes {
        let img = RgbImage::from_fn(64, 48, |x, y| Rgb([(x * 4) as u8, (y * 5) as u8, 128]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
            .write_image(img.as_raw(), 64, 48, image::ExtendedColorType::Rgb8)
            .unwrap();
        Bytes::from(out)
    }

    /// A JPEG that already has EXIF, as a phone writes it: IFD0 fields,
    /// a (stale) GPS position and a JPEG thumbnail in IFD1.
    fn phone_jpeg(little_endian: bool) -> Bytes {
        let f = |tag, ifd_num, value| Field { tag, ifd_num, value };
        let fields = [
            f(Tag::Orientation, In::PRIMARY, Value::Short(vec![6])),
            f(Tag::Make, In::PRIMARY, Value::Ascii(vec![b"Phone".to_vec()])),
            f(Tag::DateTimeOriginal, In::PRIMARY, Value::Ascii(vec![b"2001:01:01 01:01:01".to_vec()])),
            f(Tag::GPSLatitudeRef, In::PRIMARY, Value::Ascii(vec![b"N".to_vec()])),
            f(
                Tag::GPSLatitude,
                In::PRIMARY,
                Value::Rational(vec![(1, 1).into(), (2, 1).into(), (3, 1).into()]),
            ),
            f(Tag::Compression, In::THUMBNAIL, Value::Short(vec![6])),
        ];
        let thumb = jpeg();
        let mut w = Writer::new();
        for field in &fields {
            w.push_field(field);
        }
        w.set_jpeg(&thumb, In::THUMBNAIL);
        let mut block = Cursor::new(Vec::new());
        w.write(&mut block, little_endian).unwrap();
        let mut image = Jpeg::from_bytes(jpeg()).unwrap();
        image.set_exif(Some(block.into_inner().into()));
        image.encoder().bytes()
    }

    fn read(jpeg: &[u8]) -> Exif {
        exif::Reader::new().read_from_container(&mut Cursor::new(jpeg)).unwrap()
    }

    fn ascii(e: &Exif, tag: Tag) -> String {
        match &e.get_field(tag, In::PRIMARY).unwrap_or_else(|| panic!("{tag} missing")).value {
            Value::Ascii(v) => String::from_utf8(v[0].clone()).unwrap(),
            other => panic!("{tag}: {other:?}"),
        }
    }

    fn rationals(e: &Exif, tag: Tag) -> Vec<f64> {
        match &e.get_field(tag, In::PRIMARY).unwrap_or_else(|| panic!("{tag} missing")).value {
            Value::Rational(v) => v.iter().map(Rational::to_f64).collect(),
            other => panic!("{tag}: {other:?}"),
        }
    }

    /// Signed degrees from a coordinate and its reference.
    fn degrees(e: &Exif, tag: Tag, reference: Tag) -> f64 {
        let v = rationals(e, tag);
        let abs = v[0] + v[1] / 60.0 + v[2] / 3600.0;
        if matches!(ascii(e, reference).as_str(), "S" | "W") { -abs } else { abs }
    }

    fn fix(lat: f64, lon: f64, altitude_m: Option<f64>) -> LocationFix {
        let measured_at =
            Utc.with_ymd_and_hms(2026, 3, 4, 5, 6, 7).unwrap() + chrono::Duration::milliseconds(890);
        LocationFix { lat, lon, altitude_m, measured_at }
    }

    fn taken() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 4, 5, 7, 0).unwrap()
    }

    #[test]
    fn position_time_and_date_are_written_precisely() {
        for (lat, lon) in [
            (55.751244, 37.618423),
            (-33.856784, 151.215297),
            (40.689247, -74.044502),
            (-0.0000004, -179.9999996),
        ] {
            let out = add_location(jpeg(), &fix(lat, lon, Some(42.5)), taken()).unwrap();
            let e = read(&out);
            let (got_lat, got_lon) = (
                degrees(&e, Tag::GPSLatitude, Tag::GPSLatitudeRef),
                degrees(&e, Tag::GPSLongitude, Tag::GPSLongitudeRef),
            );
            assert!((got_lat - lat).abs() < 1e-7, "{got_lat} vs {lat}");
            assert!((got_lon - lon).abs() < 1e-7, "{got_lon} vs {lon}");
            assert_eq!(ascii(&e, Tag::GPSLatitudeRef), if lat < 0.0 { "S" } else { "N" });
            assert_eq!(ascii(&e, Tag::GPSLongitudeRef), if lon < 0.0 { "W" } else { "E" });
            assert_eq!(rationals(&e, Tag::GPSAltitude), vec![42.5]);
            assert_eq!(e.get_field(Tag::GPSAltitudeRef, In::PRIMARY).unwrap().value.get_uint(0), Some(0));
            assert_eq!(rationals(&e, Tag::GPSTimeStamp), vec![5.0, 6.0, 7.89]);
            assert_eq!(ascii(&e, Tag::GPSDateStamp), "2026:03:04");
            assert_eq!(ascii(&e, Tag::DateTimeOriginal), "2026:03:04 05:07:00");
            assert_eq!(ascii(&e, Tag::OffsetTimeOriginal), "+00:00");
            let img = image::load_from_memory(&out).unwrap();
            assert_eq!((img.width(), img.height()), (64, 48), "the picture is untouched");
        }
    }

    #[test]
    fn altitude_below_the_reference_and_unknown_altitude() {
        let e = read(&add_location(jpeg(), &fix(1.0, 2.0, Some(-12.25)), taken()).unwrap());
        assert_eq!(rationals(&e, Tag::GPSAltitude), vec![12.25]);
        assert_eq!(e.get_field(Tag::GPSAltitudeRef, In::PRIMARY).unwrap().value.get_uint(0), Some(1));
        let e = read(&add_location(jpeg(), &fix(1.0, 2.0, None), taken()).unwrap());
        assert!(e.get_field(Tag::GPSAltitude, In::PRIMARY).is_none());
        assert!(e.get_field(Tag::GPSAltitudeRef, In::PRIMARY).is_none());
    }

    #[test]
    fn a_phones_exif_survives_with_the_new_position() {
        for little_endian in [false, true] {
            let input = phone_jpeg(little_endian);
            assert_eq!(
                read(&input).get_field(Tag::Orientation, In::PRIMARY).unwrap().value.get_uint(0),
                Some(6)
            );
            let out = add_location(input, &fix(-33.856784, 151.215297, None), taken()).unwrap();
            let e = read(&out);
            assert_eq!(e.get_field(Tag::Orientation, In::PRIMARY).unwrap().value.get_uint(0), Some(6));
            assert_eq!(ascii(&e, Tag::Make), "Phone");
            assert_eq!(ascii(&e, Tag::DateTimeOriginal), "2026:03:04 05:07:00", "replaced");
            assert!(
                (degrees(&e, Tag::GPSLatitude, Tag::GPSLatitudeRef) + 33.856784).abs() < 1e-7,
                "replaced"
            );
            assert_eq!(e.little_endian(), little_endian);
            let thumb = thumbnail(&e).expect("the thumbnail is kept");
            assert!(image::load_from_memory(thumb).is_ok());
            assert_eq!(e.fields().filter(|f| f.tag == Tag::GPSLatitude).count(), 1);
            // Written again: still one of each field.
            let again = read(&add_location(out, &fix(1.0, 2.0, None), taken()).unwrap());
            assert_eq!(again.fields().filter(|f| f.tag == Tag::GPSLatitude).count(), 1);
            assert_eq!(again.get_field(Tag::Orientation, In::PRIMARY).unwrap().value.get_uint(0), Some(6));
        }
    }

    #[test]
    fn seconds_never_round_up_to_sixty() {
        let v: Vec<f64> = dms(10.0 - 1e-12).iter().map(Rational::to_f64).collect();
        assert_eq!(v, vec![10.0, 0.0, 0.0]);
        let v: Vec<f64> = dms(-0.5).iter().map(Rational::to_f64).collect();
        assert_eq!(v, vec![0.0, 30.0, 0.0]);
    }

    #[test]
    fn no_point_or_no_jpeg_is_an_error() {
        assert!(matches!(add_location(jpeg(), &fix(91.0, 0.0, None), taken()), Err(ExifError::BadPoint(..))));
        assert!(matches!(
            add_location(jpeg(), &fix(f64::NAN, 0.0, None), taken()),
            Err(ExifError::BadPoint(..))
        ));
        assert!(matches!(
            add_location(Bytes::from_static(b"\x89PNG\r\n\x1a\n...."), &fix(1.0, 1.0, None), taken()),
            Err(ExifError::NotJpeg(_))
        ));
    }
}
