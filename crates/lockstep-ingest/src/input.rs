use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread::JoinHandle;

/// One input file to read.
#[derive(Clone, Debug)]
pub struct InputFile {
    /// Where it is.
    pub path: PathBuf,
    /// How to name it in messages and outputs.
    pub display: String,
}

/// Expand command-line inputs: files stay, directories are walked recursively in name
/// order (hidden entries skipped), so a run over a folder of exports is reproducible.
pub fn expand_inputs(inputs: &[PathBuf]) -> io::Result<Vec<InputFile>> {
    let mut out = Vec::new();
    for p in inputs {
        walk(p, &mut out)?;
    }
    Ok(out)
}

fn walk(p: &Path, out: &mut Vec<InputFile>) -> io::Result<()> {
    let meta = std::fs::metadata(p)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", p.display())))?;
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(p)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|e| {
                !e.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with('.'))
            })
            .collect();
        entries.sort();
        for e in entries {
            walk(&e, out)?;
        }
    } else {
        out.push(InputFile {
            path: p.to_path_buf(),
            display: p.display().to_string(),
        });
    }
    Ok(())
}

/// Files up to this size are hashed on the reading thread; past it, hashing moves to a
/// thread of its own (a thread per file would cost more than hashing a small export, and a
/// folder may hold thousands of them).
const INLINE_HASH: u64 = 4 << 20;
/// Chunks in flight to the hashing thread at most (with the reader's 1 MiB buffer, a few
/// MiB held).
const HASH_QUEUE: usize = 4;

/// Where the SHA-256 of the stored bytes is being computed.
enum Hasher {
    /// On the reading thread (small files).
    Inline(Sha256),
    /// On a thread of its own: SHA-256 was 8 % of the reading thread's time on the
    /// toolkit's CSV, and on two cores the reading thread bounds the read. Chunks go over
    /// a bounded channel; emptied buffers come back to be reused.
    Thread {
        chunks: SyncSender<Vec<u8>>,
        spare: Receiver<Vec<u8>>,
        worker: JoinHandle<Sha256>,
    },
}

impl Hasher {
    fn update(&mut self, bytes: &[u8], total: u64) {
        if let Hasher::Inline(h) = self {
            if total <= INLINE_HASH {
                h.update(bytes);
                return;
            }
            let h = std::mem::take(h);
            let (chunks, rx) = mpsc::sync_channel::<Vec<u8>>(HASH_QUEUE);
            let (give_back, spare) = mpsc::channel();
            let worker = std::thread::spawn(move || {
                let mut h = h;
                for chunk in rx {
                    h.update(&chunk);
                    // The reader may be gone (dropped before `finish`): nothing to give back to.
                    let _ = give_back.send(chunk);
                }
                h
            });
            *self = Hasher::Thread {
                chunks,
                spare,
                worker,
            };
        }
        if let Hasher::Thread { chunks, spare, .. } = self {
            let mut buf = spare.try_recv().unwrap_or_default();
            buf.clear();
            buf.extend_from_slice(bytes);
            // The worker only stops when the sender is dropped, so the send cannot fail
            // while `self` lives; if it somehow did, `finish` reports the lost thread.
            let _ = chunks.send(buf);
        }
    }

    /// The hex digest of everything given to [`Hasher::update`].
    fn finish(self) -> io::Result<String> {
        let h = match self {
            Hasher::Inline(h) => h,
            Hasher::Thread { chunks, worker, .. } => {
                drop(chunks);
                worker
                    .join()
                    .map_err(|_| io::Error::other("the input's hashing thread failed"))?
            }
        };
        Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
    }
}

/// Counts and hashes the bytes of the stored file as they are read.
struct Hashing<R> {
    inner: R,
    hasher: Hasher,
    bytes: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        self.hasher.update(&buf[..n], self.bytes);
        Ok(n)
    }
}

enum Decoded {
    Plain(BufReader<Hashing<File>>),
    /// Boxed: the gzip decoder's state (zlib-rs, which calamine's zip switches flate2 to)
    /// is several times the size of the other variants.
    Gzip(Box<BufReader<flate2::bufread::MultiGzDecoder<BufReader<Hashing<File>>>>>),
    Zstd(BufReader<zstd::stream::read::Decoder<'static, BufReader<Hashing<File>>>>),
}

/// A decompressed input stream that also hashes the stored bytes.
pub struct Opened {
    inner: Decoded,
}

const BUF: usize = 1 << 20;

/// Open a file, recognising gzip and zstd by their magic bytes.
pub fn open_decompressed(path: &Path) -> io::Result<Opened> {
    let file = File::open(path)?;
    let mut raw = BufReader::with_capacity(
        BUF,
        Hashing {
            inner: file,
            hasher: Hasher::Inline(Sha256::new()),
            bytes: 0,
        },
    );
    let magic = raw.fill_buf()?;
    let inner = if magic.starts_with(&[0x1f, 0x8b]) {
        Decoded::Gzip(Box::new(BufReader::with_capacity(
            BUF,
            flate2::bufread::MultiGzDecoder::new(raw),
        )))
    } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Decoded::Zstd(BufReader::with_capacity(
            BUF,
            zstd::stream::read::Decoder::with_buffer(raw)?,
        ))
    } else {
        Decoded::Plain(raw)
    };
    Ok(Opened { inner })
}

impl Opened {
    fn reader(&mut self) -> &mut dyn BufRead {
        match &mut self.inner {
            Decoded::Plain(r) => r,
            Decoded::Gzip(r) => r,
            Decoded::Zstd(r) => r,
        }
    }

    /// True if the file is stored uncompressed (readers that need to seek, such as
    /// Parquet, can then open the path themselves).
    pub fn is_plain(&self) -> bool {
        matches!(self.inner, Decoded::Plain(_))
    }

    /// Up to `n` first bytes of the decompressed stream, without consuming them.
    pub fn peek(&mut self, n: usize) -> io::Result<&[u8]> {
        let r = self.reader();
        let buf = r.fill_buf()?;
        Ok(&buf[..buf.len().min(n)])
    }

    /// Read what is left of the stored file, and return its SHA-256 (hex) and size.
    pub fn finish(self) -> io::Result<(String, u64)> {
        let mut raw = match self.inner {
            Decoded::Plain(r) => r,
            Decoded::Gzip(r) => (*r).into_inner().into_inner(),
            Decoded::Zstd(r) => r.into_inner().finish(),
        };
        io::copy(&mut raw, &mut io::sink())?;
        let h = raw.into_inner();
        Ok((h.hasher.finish()?, h.bytes))
    }
}

impl Read for Opened {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reader().read(buf)
    }
}

impl BufRead for Opened {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.reader().fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.reader().consume(amt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// Bytes that do not look like gzip or zstd, `n` of them.
    fn bytes(n: usize) -> Vec<u8> {
        let mut x = 0x9e37_79b9_u32;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                b'a' + (x % 26) as u8
            })
            .collect()
    }

    fn hex(data: &[u8]) -> String {
        Sha256::digest(data)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[test]
    fn the_digest_is_the_files_whether_hashed_in_place_or_on_a_thread() {
        let dir = tempfile::tempdir().unwrap();
        // Below, at and well past the size where hashing moves to its own thread; read
        // whole, read in part (finish reads the rest), and not read at all.
        for n in [
            0,
            1000,
            INLINE_HASH as usize,
            3 * INLINE_HASH as usize + 12_345,
        ] {
            let data = bytes(n);
            let path = dir.path().join(format!("f{n}"));
            std::fs::File::create(&path)
                .unwrap()
                .write_all(&data)
                .unwrap();
            for read in [usize::MAX, n / 3, 0] {
                let mut opened = open_decompressed(&path).unwrap();
                let mut sink = Vec::new();
                opened
                    .by_ref()
                    .take(read as u64)
                    .read_to_end(&mut sink)
                    .unwrap();
                assert_eq!(sink, data[..read.min(n)]);
                let (sha, size) = opened.finish().unwrap();
                assert_eq!((sha, size), (hex(&data), n as u64), "size {n}, read {read}");
            }
        }
    }

    #[test]
    fn a_compressed_file_is_hashed_as_stored() {
        let dir = tempfile::tempdir().unwrap();
        let data = bytes(2 * INLINE_HASH as usize);
        let path = dir.path().join("f.gz");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&data).unwrap();
        let stored = gz.finish().unwrap();
        std::fs::write(&path, &stored).unwrap();
        let mut opened = open_decompressed(&path).unwrap();
        let mut out = Vec::new();
        opened.read_to_end(&mut out).unwrap();
        assert_eq!(out, data);
        assert_eq!(
            opened.finish().unwrap(),
            (hex(&stored), stored.len() as u64)
        );
    }
}
