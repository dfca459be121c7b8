//! Company logos: decoded with the `image` crate (which refuses what is not
//! a PNG, JPEG, WebP or GIF), bounded in pixels, scaled down to fit
//! 512 x 256 and stored as PNG, so what the pages show is always a small,
//! well-formed image whatever was uploaded.

use std::io::Cursor;

use image::{ImageFormat, ImageReader, Limits};
use vc_protocol::ErrorCode;
use vc_runtime::ApiError;

/// The largest upload accepted (bytes).
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// Largest box a stored logo fits in.
pub const MAX_WIDTH: u32 = 512;
pub const MAX_HEIGHT: u32 = 256;
/// Uploads larger than this in either dimension are refused before decoding.
const MAX_SOURCE_SIDE: u32 = 8000;

/// A logo ready to store.
#[derive(Debug)]
pub struct Logo {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

fn invalid(msg: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidImage, msg)
}

pub fn prepare(bytes: &[u8]) -> Result<Logo, ApiError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| invalid("the logo could not be read"))?;
    match reader.format() {
        Some(ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP | ImageFormat::Gif) => {}
        _ => return Err(invalid("the logo must be a PNG, JPEG, WebP or GIF image")),
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SOURCE_SIDE);
    limits.max_image_height = Some(MAX_SOURCE_SIDE);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| invalid(format!("the logo could not be decoded: {e}")))?;
    if img.width() == 0 || img.height() == 0 {
        return Err(invalid("the logo is empty"));
    }
    let img = if img.width() > MAX_WIDTH || img.height() > MAX_HEIGHT {
        img.resize(MAX_WIDTH, MAX_HEIGHT, image::imageops::FilterType::Lanczos3)
    } else {
        img
    };
    let mut png = Vec::new();
    img.write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .map_err(|e| ApiError::internal(format!("could not encode the logo: {e}")))?;
    Ok(Logo { png, width: img.width(), height: img.height() })
}

#[cfg(test)]
mod tests {
    use image::{ImageBuffer, Rgba};

    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = ImageBuffer::from_pixel(w, h, Rgba([10u8, 20, 30, 255]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgba8(img).write_to(&mut Cursor::new(&mut out), ImageFormat::Png).unwrap();
        out
    }

    #[test]
    fn large_logos_are_scaled_to_fit_keeping_their_shape() {
        let logo = prepare(&png(2000, 500)).unwrap();
        assert_eq!((logo.width, logo.height), (512, 128));
        let back = image::load_from_memory(&logo.png).unwrap();
        assert_eq!((back.width(), back.height()), (512, 128));
    }

    #[test]
    fn small_logos_stay_as_they_are() {
        let logo = prepare(&png(120, 40)).unwrap();
        assert_eq!((logo.width, logo.height), (120, 40));
    }

    #[test]
    fn what_is_not_an_image_is_refused() {
        let err = prepare(b"<svg xmlns='http://www.w3.org/2000/svg'/>").unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidImage);
        let mut truncated = png(100, 100);
        truncated.truncate(60);
        assert_eq!(prepare(&truncated).unwrap_err().code, ErrorCode::InvalidImage);
    }
}
