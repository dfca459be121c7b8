//! IVF, the simplest container ffmpeg reads for VP8 (and, by fourcc, H.264):
//! a 32-byte file header, then per frame a 12-byte header (size, pts).

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

/// Time base of the IVF files we write: milliseconds.
pub const TIMEBASE_MS: (u32, u32) = (1, 1000);

/// The 32-byte IVF file header.
pub fn file_header(fourcc: [u8; 4], width: u16, height: u16, timebase: (u32, u32), frames: u32) -> [u8; 32] {
    let mut h = [0u8; 32];
    h[0..4].copy_from_slice(b"DKIF");
    h[4..6].copy_from_slice(&0u16.to_le_bytes()); // version
    h[6..8].copy_from_slice(&32u16.to_le_bytes()); // header size
    h[8..12].copy_from_slice(&fourcc);
    h[12..14].copy_from_slice(&width.to_le_bytes());
    h[14..16].copy_from_slice(&height.to_le_bytes());
    // IVF stores the time base as a rate: denominator first.
    h[16..20].copy_from_slice(&timebase.1.to_le_bytes());
    h[20..24].copy_from_slice(&timebase.0.to_le_bytes());
    h[24..28].copy_from_slice(&frames.to_le_bytes());
    h
}

/// Writes frames with millisecond timestamps; the header is written with
/// the first frame (its size) and the frame count patched at the end.
pub struct IvfWriter {
    out: BufWriter<File>,
    fourcc: [u8; 4],
    size: Option<(u16, u16)>,
    frames: u32,
    last_pts: Option<i64>,
}

impl IvfWriter {
    pub fn create(path: &Path, fourcc: [u8; 4]) -> io::Result<Self> {
        Ok(Self { out: BufWriter::new(File::create(path)?), fourcc, size: None, frames: 0, last_pts: None })
    }

    /// Frames written.
    pub fn frames(&self) -> u32 {
        self.frames
    }

    /// The size given with the first frame.
    pub fn size(&self) -> Option<(u16, u16)> {
        self.size
    }

    /// The pts of the last frame written, ms.
    pub fn last_pts(&self) -> Option<i64> {
        self.last_pts
    }

    /// Appends a frame at `pts_ms`; `size` is the frame size of a keyframe.
    /// A frame not strictly after the previous one is dropped (returns
    /// false).
    pub fn push(&mut self, pts_ms: i64, data: &[u8], size: Option<(u16, u16)>) -> io::Result<bool> {
        if self.last_pts.is_some_and(|last| pts_ms <= last) {
            return Ok(false);
        }
        let Ok(len) = u32::try_from(data.len()) else { return Ok(false) };
        if self.size.is_none() {
            let size = size.unwrap_or((0, 0));
            self.size = Some(size);
            self.out.write_all(&file_header(self.fourcc, size.0, size.1, TIMEBASE_MS, 0))?;
        }
        self.out.write_all(&len.to_le_bytes())?;
        self.out.write_all(&pts_ms.to_le_bytes())?;
        self.out.write_all(data)?;
        self.last_pts = Some(pts_ms);
        self.frames += 1;
        Ok(true)
    }

    /// Patches the frame count in; `false` if no frame was written (the
    /// file is then empty).
    pub fn finish(self) -> io::Result<bool> {
        let mut file = self.out.into_inner().map_err(|e| e.into_error())?;
        if self.frames == 0 {
            return Ok(false);
        }
        file.seek(SeekFrom::Start(24))?;
        file.write_all(&self.frames.to_le_bytes())?;
        file.sync_data()?;
        Ok(true)
    }
}

/// An IVF file's header fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IvfHeader {
    pub fourcc: [u8; 4],
    pub width: u16,
    pub height: u16,
    /// (numerator, denominator) of the pts unit, seconds.
    pub timebase: (u32, u32),
}

/// Reads an IVF file frame by frame.
pub struct IvfReader<R> {
    input: R,
    pub header: IvfHeader,
}

impl<R: Read> IvfReader<R> {
    pub fn open(mut input: R) -> io::Result<Self> {
        let mut h = [0u8; 32];
        input.read_exact(&mut h)?;
        let header_len = usize::from(u16::from_le_bytes([h[6], h[7]]));
        if &h[0..4] != b"DKIF" || header_len < 32 {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "not an IVF file"));
        }
        io::copy(&mut (&mut input).take((header_len - 32) as u64), &mut io::sink())?;
        let u32_at = |i: usize| u32::from_le_bytes([h[i], h[i + 1], h[i + 2], h[i + 3]]);
        let header = IvfHeader {
            fourcc: [h[8], h[9], h[10], h[11]],
            width: u16::from_le_bytes([h[12], h[13]]),
            height: u16::from_le_bytes([h[14], h[15]]),
            timebase: (u32_at(20), u32_at(16)),
        };
        Ok(Self { input, header })
    }

    /// The next frame: (pts in time base units, data).
    pub fn next_frame(&mut self) -> io::Result<Option<(i64, Vec<u8>)>> {
        let mut h = [0u8; 12];
        match self.input.read_exact(&mut h) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e),
        }
        let len = u32::from_le_bytes([h[0], h[1], h[2], h[3]]) as usize;
        if len > 64 * 1024 * 1024 {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "IVF frame too large"));
        }
        let mut pts = [0u8; 8];
        pts.copy_from_slice(&h[4..12]);
        let mut data = vec![0u8; len];
        self.input.read_exact(&mut data)?;
        Ok(Some((i64::from_le_bytes(pts), data)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_frames_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.ivf");
        let mut w = IvfWriter::create(&path, *b"VP80").unwrap();
        assert!(w.push(3000, &[1, 2, 3], Some((320, 240))).unwrap());
        assert!(!w.push(3000, &[4], None).unwrap());
        assert!(w.push(3033, &[5, 6], None).unwrap());
        assert!(w.finish().unwrap());
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(u32::from_le_bytes([bytes[24], bytes[25], bytes[26], bytes[27]]), 2);
        let mut r = IvfReader::open(&bytes[..]).unwrap();
        assert_eq!(r.header, IvfHeader { fourcc: *b"VP80", width: 320, height: 240, timebase: (1, 1000) });
        assert_eq!(r.next_frame().unwrap(), Some((3000, vec![1, 2, 3])));
        assert_eq!(r.next_frame().unwrap(), Some((3033, vec![5, 6])));
        assert_eq!(r.next_frame().unwrap(), None);
    }
}
