//! M3UA over TCP: messages back to back, each delimited by its own header length.

use crate::m3ua::codec::{frame_len, M3uaError};
use tokio::io::{AsyncRead, AsyncReadExt};

/// Reads whole M3UA messages from a byte stream, reusing one buffer.
pub struct FrameReader<R> {
    inner: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// The last read filled all the room it had: the socket likely holds more.
    full: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// A header with an impossible length: the stream cannot be re-synchronised.
    #[error("framing lost: {0}")]
    Framing(M3uaError),
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    pub fn new(inner: R) -> FrameReader<R> {
        FrameReader {
            inner,
            buf: vec![0; 64 * 1024],
            start: 0,
            end: 0,
            full: false,
        }
    }

    /// The next complete message, or `Ok(None)` at a clean end of stream.
    pub async fn next(&mut self) -> Result<Option<&[u8]>, FrameError> {
        if !self.ready().await? {
            return Ok(None);
        }
        self.take()
    }

    /// Wait until a complete message is buffered (`true`), or the stream ended cleanly
    /// (`false`). One read takes whatever the socket holds, up to the buffer's size, so
    /// what follows is often already here for [`FrameReader::take`].
    pub async fn ready(&mut self) -> Result<bool, FrameError> {
        loop {
            let avail = &self.buf[self.start..self.end];
            if let Some(len) = frame_len(avail).map_err(FrameError::Framing)? {
                if avail.len() >= len {
                    return Ok(true);
                }
                if len > self.buf.len() - self.start {
                    // Make room: move the partial message to the front, grow if needed.
                    self.buf.copy_within(self.start..self.end, 0);
                    self.end -= self.start;
                    self.start = 0;
                    if len > self.buf.len() {
                        self.buf.resize(len, 0);
                    }
                }
            } else if self.start > 0 && self.end == self.buf.len() {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            }
            if self.start == self.end {
                self.start = 0;
                self.end = 0;
            }
            let room = self.buf.len() - self.end;
            let n = self.inner.read(&mut self.buf[self.end..]).await?;
            self.full = n == room;
            if n == 0 {
                return if self.start == self.end {
                    Ok(false)
                } else {
                    Err(FrameError::Io(std::io::ErrorKind::UnexpectedEof.into()))
                };
            }
            self.end += n;
        }
    }

    /// Whether the last read took all the room the buffer had, so that the socket likely
    /// holds more than one read takes (a backlog, under load).
    pub fn backlogged(&self) -> bool {
        self.full
    }

    /// The next message already buffered, without reading; `Ok(None)` when none is whole.
    pub fn take(&mut self) -> Result<Option<&[u8]>, FrameError> {
        let avail = &self.buf[self.start..self.end];
        match frame_len(avail).map_err(FrameError::Framing)? {
            Some(len) if avail.len() >= len => {
                let at = self.start;
                self.start += len;
                Ok(Some(&self.buf[at..at + len]))
            }
            _ => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::m3ua::{Builder, Kind};

    #[tokio::test]
    async fn splits_and_joins_frames() {
        let mut stream = Vec::new();
        for i in 0..50u32 {
            Builder::new(&mut stream, Kind::Beat)
                .param(0x0009, &vec![i as u8; (i as usize) * 700])
                .finish();
        }
        // Deliver in awkward chunk sizes through a duplex pipe.
        let (mut a, b) = tokio::io::duplex(997);
        let data = stream.clone();
        tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            for c in data.chunks(333) {
                a.write_all(c).await.unwrap();
            }
        });
        let mut r = FrameReader::new(b);
        let mut n = 0;
        let mut total = 0;
        while let Some(m) = r.next().await.unwrap() {
            let msg = crate::m3ua::Message::parse(m).unwrap();
            assert_eq!(msg.param(0x0009).unwrap().len(), n * 700);
            total += m.len();
            n += 1;
        }
        assert_eq!((n, total), (50, stream.len()));
    }

    #[tokio::test]
    async fn impossible_length_is_a_framing_error() {
        let (mut a, b) = tokio::io::duplex(64);
        use tokio::io::AsyncWriteExt;
        a.write_all(&[1, 0, 3, 3, 0, 0, 0, 2]).await.unwrap();
        let mut r = FrameReader::new(b);
        assert!(matches!(r.next().await, Err(FrameError::Framing(_))));
    }
}
