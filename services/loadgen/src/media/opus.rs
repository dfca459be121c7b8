//! The Opus packets of an Ogg Opus file (RFC 7845): the first packet is
//! `OpusHead`, the second `OpusTags`, the rest audio.

use std::io::Cursor;

use bytes::Bytes;
use ogg::PacketReader;

use super::invalid;

/// The audio packets of the file's first logical stream, in order.
pub(super) fn packets(file: Vec<u8>) -> std::io::Result<Vec<Bytes>> {
    let mut reader = PacketReader::new(Cursor::new(file));
    let read =
        |r: &mut PacketReader<Cursor<Vec<u8>>>| r.read_packet().map_err(|e| invalid(format!("Ogg: {e}")));
    let Some(head) = read(&mut reader)? else {
        return Err(invalid("Ogg: no packets"));
    };
    if !head.data.starts_with(b"OpusHead") {
        return Err(invalid("Ogg: not Opus (no OpusHead)"));
    }
    let serial = head.stream_serial();
    let mut tags = false;
    let mut audio = Vec::new();
    while let Some(p) = read(&mut reader)? {
        if p.stream_serial() != serial {
            continue;
        }
        if !tags {
            if !p.data.starts_with(b"OpusTags") {
                return Err(invalid("Ogg: no OpusTags after OpusHead"));
            }
            tags = true;
        } else if !p.data.is_empty() {
            audio.push(Bytes::from(p.data));
        }
    }
    if audio.is_empty() {
        return Err(invalid("Ogg: no Opus audio packets"));
    }
    Ok(audio)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

    use super::*;
    use ogg::{PacketWriteEndInfo, PacketWriter};

    fn ogg(packets: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w = PacketWriter::new(&mut out);
        for (i, p) in packets.iter().enumerate() {
            let end = if i + 1 == packets.len() {
                PacketWriteEndInfo::EndStream
            } else if i < 2 {
                PacketWriteEndInfo::EndPage
            } else {
                PacketWriteEndInfo::NormalPacket
            };
            w.write_packet(p.to_vec(), 7, end, i as u64 * 960).unwrap();
        }
        drop(w);
        out
    }

    #[test]
    fn skips_the_headers_and_keeps_the_audio() {
        let file = ogg(&[b"OpusHead\x01\x01", b"OpusTags", &[0xF8, 1, 2], &[0xF8, 3], &[0xF8]]);
        let got: Vec<Vec<u8>> = packets(file).unwrap().iter().map(|p| p.to_vec()).collect();
        assert_eq!(got, vec![vec![0xF8, 1, 2], vec![0xF8, 3], vec![0xF8]]);
    }

    #[test]
    fn other_files_are_errors() {
        for (what, file) in [
            ("not Ogg", b"hello, world".to_vec()),
            ("empty", Vec::new()),
            ("Vorbis", ogg(&[b"\x01vorbis", b"\x03vorbis", &[1, 2]])),
            ("headers only", ogg(&[b"OpusHead\x01\x01", b"OpusTags"])),
            ("no tags", ogg(&[b"OpusHead\x01\x01", &[0xF8, 1], &[0xF8, 2]])),
        ] {
            let e = packets(file).unwrap_err();
            assert_eq!(e.kind(), std::io::ErrorKind::InvalidData, "{what}: {e}");
        }
    }
}
