//! Thumbnails of JPEG, PNG, GIF and WebP images: at most
//! `thumbnail_max_side` pixels on the longest side, JPEG for JPEG photos and
//! PNG otherwise (keeps transparency). Made once, kept beside the file.
//!
//! An image is decoded only when its header says it has at most
//! `thumbnail_max_pixels` pixels, and the decoder is held to those
//! dimensions and a matching memory budget: a small file that claims to be
//! a huge picture (a decompression bomb) never gets a thumbnail. Every
//! function here blocks; callers run them on the blocking pool, one at a
//! time (see `state::FilesState::thumbs`).

use std::io::{self, BufWriter, Write};
use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, ImageReader, Limits};

use crate::sniff::ImageKind;
use crate::storage::ThumbFormat;

#[derive(Debug, thiserror::Error)]
pub enum ThumbError {
    #[error("I/O: {0}")]
    Io(#[from] io::Error),
    #[error("image: {0}")]
    Image(#[from] image::ImageError),
    #[error("{width}x{height} is over the limit of {max_pixels} pixels")]
    TooLarge { width: u32, height: u32, max_pixels: u64 },
}

/// Bounds of thumbnail making.
#[derive(Debug, Clone, Copy)]
pub struct ThumbLimits {
    pub max_side: u32,
    pub max_pixels: u64,
}

/// Whether an image of `width` x `height` may be decoded.
pub fn fits(width: u32, height: u32, max_pixels: u64) -> bool {
    width > 0 && height > 0 && u64::from(width) * u64::from(height) <= max_pixels
}

/// The thumbnail format for an image format.
pub fn format_for(kind: ImageKind) -> ThumbFormat {
    match kind {
        ImageKind::Jpeg => ThumbFormat::Jpeg,
        ImageKind::Png | ImageKind::Gif | ImageKind::Webp => ThumbFormat::Png,
    }
}

/// The image's dimensions, from its header only.
pub fn dimensions(path: &Path) -> Result<(u32, u32), ThumbError> {
    Ok(ImageReader::open(path)?.with_guessed_format()?.into_dimensions()?)
}

/// Whether `path` is an image we can make a thumbnail of (header check).
pub fn can_thumbnail(path: &Path, max_pixels: u64) -> bool {
    matches!(dimensions(path), Ok((w, h)) if fits(w, h, max_pixels))
}

/// The size of a thumbnail of a `width` x `height` image.
pub fn thumb_size(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let longest = width.max(height);
    if longest <= max_side {
        return (width, height);
    }
    let scale =
        |n: u32| ((u64::from(n) * u64::from(max_side) + u64::from(longest) / 2) / u64::from(longest)) as u32;
    (scale(width).max(1), scale(height).max(1))
}

/// Decodes `src`, scales it down and writes the thumbnail to `tmp`, then
/// renames it to `dest` (so a reader never sees half a thumbnail).
/// Returns the thumbnail's size.
pub fn make(
    src: &Path,
    tmp: &Path,
    dest: &Path,
    format: ThumbFormat,
    limits: ThumbLimits,
) -> Result<(u32, u32), ThumbError> {
    let (width, height) = dimensions(src)?;
    if !fits(width, height, limits.max_pixels) {
        return Err(ThumbError::TooLarge { width, height, max_pixels: limits.max_pixels });
    }
    let mut reader = ImageReader::open(src)?.with_guessed_format()?;
    let mut bounds = Limits::default();
    bounds.max_image_width = Some(width);
    bounds.max_image_height = Some(height);
    // Room for the decoded picture at up to 16 bits per channel, plus the decoder's own buffers.
    bounds.max_alloc = Some(limits.max_pixels.saturating_mul(8).saturating_add(64 << 20));
    reader.limits(bounds);
    let image = reader.decode()?;
    let (tw, th) = thumb_size(image.width(), image.height(), limits.max_side);
    let thumb =
        if (tw, th) == (image.width(), image.height()) { image } else { image.thumbnail_exact(tw, th) };
    let written = write(&thumb, tmp, format).and_then(|()| Ok(std::fs::rename(tmp, dest)?));
    if written.is_err() {
        let _ = std::fs::remove_file(tmp);
    }
    written?;
    Ok((thumb.width(), thumb.height()))
}

fn write(thumb: &DynamicImage, path: &Path, format: ThumbFormat) -> Result<(), ThumbError> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    match format {
        ThumbFormat::Jpeg => DynamicImage::ImageRgb8(thumb.to_rgb8())
            .write_with_encoder(JpegEncoder::new_with_quality(&mut out, 80))?,
        ThumbFormat::Png if thumb.color().has_alpha() => {
            DynamicImage::ImageRgba8(thumb.to_rgba8()).write_with_encoder(PngEncoder::new(&mut out))?
        }
        ThumbFormat::Png => {
            DynamicImage::ImageRgb8(thumb.to_rgb8()).write_with_encoder(PngEncoder::new(&mut out))?
        }
    }
    out.flush()?;
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use image::{ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

    use super::*;

    const LIMITS: ThumbLimits = ThumbLimits { max_side: 320, max_pixels: 50_000_000 };

    #[test]
    fn sizes_keep_the_aspect_ratio() {
        assert_eq!(thumb_size(800, 600, 320), (320, 240));
        assert_eq!(thumb_size(600, 800, 320), (240, 320));
        assert_eq!(thumb_size(320, 100, 320), (320, 100));
        assert_eq!(thumb_size(100, 50, 320), (100, 50), "never enlarged");
        assert_eq!(thumb_size(10_000, 1, 320), (320, 1));
        assert!(fits(7071, 7071, 50_000_000));
        assert!(!fits(7072, 7072, 50_000_000));
        assert!(!fits(0, 10, 50_000_000));
        assert!(fits(u32::MAX, 1, u64::MAX));
        assert!(!fits(u32::MAX, u32::MAX, 50_000_000), "no overflow");
    }

    #[test]
    fn a_png_becomes_a_small_png_and_a_jpeg_a_small_jpeg() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src.png");
        RgbaImage::from_fn(800, 600, |x, y| Rgba([(x % 256) as u8, (y % 256) as u8, 90, 200]))
            .save_with_format(&src, ImageFormat::Png)
            .unwrap();
        assert!(can_thumbnail(&src, LIMITS.max_pixels));
        let dest = dir.path().join("t.png");
        let made = make(&src, &dir.path().join("tmp1"), &dest, ThumbFormat::Png, LIMITS).unwrap();
        assert_eq!(made, (320, 240));
        assert_eq!(dimensions(&dest).unwrap(), (320, 240));
        assert!(!dir.path().join("tmp1").exists());

        let jpg = dir.path().join("src.jpg");
        RgbImage::from_fn(1000, 2000, |x, y| Rgb([(x / 4) as u8, (y / 8) as u8, 30]))
            .save_with_format(&jpg, ImageFormat::Jpeg)
            .unwrap();
        let dest = dir.path().join("t.jpg");
        assert_eq!(
            make(&jpg, &dir.path().join("tmp2"), &dest, ThumbFormat::Jpeg, LIMITS).unwrap(),
            (160, 320)
        );
        assert_eq!(&std::fs::read(&dest).unwrap()[..3], b"\xFF\xD8\xFF");
    }

    #[test]
    fn a_decompression_bomb_is_refused_from_its_header() {
        let dir = tempfile::tempdir().unwrap();
        // A PNG claiming 100000 x 100000 pixels (40 GB decoded) in a few dozen bytes.
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend_from_slice(&100_000u32.to_be_bytes());
        ihdr.extend_from_slice(&100_000u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
        png.extend_from_slice(&13u32.to_be_bytes());
        png.extend_from_slice(&ihdr);
        png.extend_from_slice(&crc32fast::hash(&ihdr).to_be_bytes());
        // A few bytes of zlib data stand for the gigabytes it would inflate to.
        for chunk in [&b"IDAT\x78\x9c\x03\x00\x00\x00\x00\x01"[..], b"IEND"] {
            png.extend_from_slice(&(chunk.len() as u32 - 4).to_be_bytes());
            png.extend_from_slice(chunk);
            png.extend_from_slice(&crc32fast::hash(chunk).to_be_bytes());
        }
        let src = dir.path().join("bomb.png");
        std::fs::write(&src, &png).unwrap();
        assert_eq!(dimensions(&src).unwrap(), (100_000, 100_000));
        assert!(!can_thumbnail(&src, LIMITS.max_pixels));
        let err = make(&src, &dir.path().join("tmp"), &dir.path().join("t.png"), ThumbFormat::Png, LIMITS);
        assert!(matches!(err, Err(ThumbError::TooLarge { .. })), "{err:?}");
        assert!(!dir.path().join("t.png").exists());
    }

    #[test]
    fn something_that_is_not_an_image_has_no_thumbnail() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("x");
        std::fs::write(&src, b"\x89PNG\r\n\x1a\nbroken").unwrap();
        assert!(!can_thumbnail(&src, LIMITS.max_pixels));
        let src = dir.path().join("y");
        std::fs::write(&src, b"just text").unwrap();
        assert!(!can_thumbnail(&src, LIMITS.max_pixels));
    }
}
