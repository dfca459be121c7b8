//! The one UDP socket every peer of a gateway uses.

use std::net::SocketAddr;

use tokio::net::UdpSocket;

/// Kernel buffer asked for the shared socket: every peer's media arrives on
/// it, and a burst the engine has not read yet must not overflow it (a lost
/// DTLS flight can stall a handshake; see docs/benchmarks.md). The kernel
/// caps it at `net.core.rmem_max` / `wmem_max`.
pub const SOCKET_BUFFER: usize = 4 << 20;

/// A non-blocking UDP socket with large kernel buffers, for tokio.
pub fn bind_udp(addr: SocketAddr) -> std::io::Result<UdpSocket> {
    let socket = socket2::Socket::new(
        socket2::Domain::for_address(addr),
        socket2::Type::DGRAM,
        Some(socket2::Protocol::UDP),
    )?;
    // Best effort: a smaller buffer is no reason not to start.
    let _ = socket.set_recv_buffer_size(SOCKET_BUFFER);
    let _ = socket.set_send_buffer_size(SOCKET_BUFFER);
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    UdpSocket::from_std(socket.into())
}
