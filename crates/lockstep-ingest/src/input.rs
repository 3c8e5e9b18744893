use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

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

/// Counts and hashes the bytes of the stored file as they are read.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
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
            hasher: Sha256::new(),
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
        let digest = h.hasher.finalize();
        let hex = digest.iter().map(|b| format!("{b:02x}")).collect();
        Ok((hex, h.bytes))
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
