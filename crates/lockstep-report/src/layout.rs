//! Node positions for the network view, computed before the page opens so that a browser
//! only has to draw.
//!
//! Each campaign (and the group of accounts in no campaign) is laid out on its own with a
//! force-directed layout (Fruchterman–Reingold with LinLog-style springs averaged over each node's edges, repulsion between
//! nodes closer than two ideal lengths found through a uniform grid, a weak pull to the
//! centre), started from a sunflower spiral with the best-connected nodes in the middle, so
//! one iteration costs O(nodes + edges) and the result is deterministic. Each group is
//! then scaled to a disc whose area grows with its node count, and the discs are packed
//! side by side with the front-chain circle packing of Wang et al. (as in d3-hierarchy's
//! `packSiblings`), largest first. 50,000 nodes and 200,000 edges take well under a
//! second on two cores; groups are laid out in parallel.

use rayon::prelude::*;

/// Ideal edge length; every group's disc has radius about `sqrt(nodes)` of these.
const K: f32 = 1.0;
const GOLDEN_ANGLE: f32 = 2.399_963_3;
/// Nodes of one grid cell considered for repulsion (more are sampled).
const MAX_PER_CELL: usize = 24;

/// Positions of `n` nodes. `edges` are `(a, b, weight)` node indices; `group[i]` is the
/// node's group (a campaign id; 0 for none). Nodes of a group end up close together,
/// groups apart.
pub fn layout(n: usize, edges: &[(u32, u32, f32)], group: &[u32]) -> Vec<[f32; 2]> {
    let mut pos = vec![[0.0f32; 2]; n];
    if n == 0 {
        return pos;
    }
    // Group members, in node order.
    let mut ids: Vec<u32> = group.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let slot_of = |g: u32| ids.binary_search(&g).unwrap_or(0);
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); ids.len()];
    let mut local = vec![0u32; n];
    for (i, &g) in group.iter().enumerate().take(n) {
        let s = slot_of(g);
        local[i] = members[s].len() as u32;
        members[s].push(i as u32);
    }
    let mut inner: Vec<Vec<(u32, u32, f32)>> = vec![Vec::new(); ids.len()];
    for &(a, b, w) in edges {
        let (a, b) = (a as usize, b as usize);
        if a >= n || b >= n || a == b || group[a] != group[b] {
            continue;
        }
        inner[slot_of(group[a])].push((local[a], local[b], w));
    }
    let shapes: Vec<Vec<[f32; 2]>> = members
        .par_iter()
        .zip(inner.par_iter())
        .map(|(m, e)| {
            let mut p = force_layout(m.len(), e);
            fit_to_disc(&mut p, disc_radius(m.len()));
            p
        })
        .collect();

    // Pack the discs, largest first.
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_by(|&a, &b| members[b].len().cmp(&members[a].len()).then(a.cmp(&b)));
    let mut circles: Vec<Circle> = order
        .iter()
        .map(|&s| {
            let r = disc_radius(members[s].len());
            Circle {
                x: 0.0,
                y: 0.0,
                r: f64::from(r + 1.5 * K + 0.08 * r),
            }
        })
        .collect();
    pack_siblings(&mut circles);
    for (c, &s) in circles.iter().zip(&order) {
        for (&node, p) in members[s].iter().zip(&shapes[s]) {
            pos[node as usize] = [p[0] + c.x as f32, p[1] + c.y as f32];
        }
    }
    pos
}

/// Radius of the disc a group of `n` nodes gets.
fn disc_radius(n: usize) -> f32 {
    (n.max(1) as f32).sqrt() * K
}

/// Centre `p` on its centroid and scale it so its farthest node is at `radius`.
fn fit_to_disc(p: &mut [[f32; 2]], radius: f32) {
    if p.is_empty() {
        return;
    }
    let inv = 1.0 / p.len() as f32;
    let cx = p.iter().map(|q| q[0]).sum::<f32>() * inv;
    let cy = p.iter().map(|q| q[1]).sum::<f32>() * inv;
    let mut far = 0.0f32;
    for q in p.iter_mut() {
        q[0] -= cx;
        q[1] -= cy;
        far = far.max((q[0] * q[0] + q[1] * q[1]).sqrt());
    }
    if far > 1e-6 {
        let s = radius / far;
        for q in p.iter_mut() {
            q[0] *= s;
            q[1] *= s;
        }
    }
}

/// Fruchterman–Reingold with grid-limited repulsion. `edges` index `0..n`.
pub fn force_layout(n: usize, edges: &[(u32, u32, f32)]) -> Vec<[f32; 2]> {
    match n {
        0 => return Vec::new(),
        1 => return vec![[0.0, 0.0]],
        _ => {}
    }
    let mut degree = vec![0u32; n];
    for &(a, b, _) in edges {
        degree[a as usize] += 1;
        degree[b as usize] += 1;
    }
    // Sunflower start, best-connected nodes innermost.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| degree[b].cmp(&degree[a]).then(a.cmp(&b)));
    let mut pos = vec![[0.0f32; 2]; n];
    for (rank, &i) in order.iter().enumerate() {
        let r = ((rank as f32) + 0.5).sqrt() * K;
        let a = rank as f32 * GOLDEN_ANGLE;
        pos[i] = [r * a.cos(), r * a.sin()];
    }
    if edges.is_empty() {
        return pos;
    }
    // Spring strength: heavier edges pull harder, but only logarithmically.
    let max_w = edges.iter().map(|e| e.2).fold(1.0f32, f32::max);
    let strength: Vec<f32> = edges
        .iter()
        .map(|e| 0.5 + 0.5 * (1.0 + e.2.max(0.0)).ln() / (1.0 + max_w).ln())
        .collect();
    let iterations = match n {
        0..=100 => 200,
        101..=1_000 => 120,
        1_001..=10_000 => 70,
        _ => 45,
    };
    let cell = 2.0 * K;
    let mut disp = vec![[0.0f32; 2]; n];
    let mut spring = vec![[0.0f32; 2]; n];
    let gravity = 0.8 / (n as f32).sqrt();
    let mut grid = Grid::default();
    let t0 = (n as f32).sqrt() * K * 0.2 + K;
    for it in 0..iterations {
        let temperature = t0 * (1.0 - it as f32 / iterations as f32) + 0.02 * K;
        disp.iter_mut().for_each(|d| *d = [0.0, 0.0]);
        grid.build(&pos, cell);
        // Repulsion k^2/d from nodes within 2k.
        for i in 0..n {
            let p = pos[i];
            let (cx, cy) = grid.cell_of(p);
            let mut f = [0.0f32; 2];
            for gx in cx - 1..=cx + 1 {
                for gy in cy - 1..=cy + 1 {
                    // In a crowded cell, a stride sample stands for the rest (bounded
                    // work per node whatever the density).
                    let bucket = grid.bucket(gx, gy);
                    let stride = bucket.len().div_ceil(MAX_PER_CELL).max(1);
                    let weight = stride as f32;
                    for &j in bucket.iter().step_by(stride) {
                        let j = j as usize;
                        if j == i {
                            continue;
                        }
                        let dx = p[0] - pos[j][0];
                        let dy = p[1] - pos[j][1];
                        let mut d2 = dx * dx + dy * dy;
                        if d2 > cell * cell {
                            continue;
                        }
                        if d2 < 1e-6 {
                            // Coincident nodes: push apart along a fixed direction.
                            let a = (i as f32) * GOLDEN_ANGLE;
                            f[0] += a.cos() * K;
                            f[1] += a.sin() * K;
                            continue;
                        }
                        d2 = d2.max(1e-4);
                        let s = weight * K * K / d2;
                        f[0] += dx * s;
                        f[1] += dy * s;
                    }
                }
            }
            disp[i] = f;
        }
        // Springs d^2/k along edges, averaged over each node's edges: a node feels the
        // mean pull of its neighbours, so dense groups do not collapse (which would also
        // make the grid repulsion quadratic).
        spring.iter_mut().for_each(|d| *d = [0.0, 0.0]);
        for (e, &(a, b, _)) in edges.iter().enumerate() {
            let (a, b) = (a as usize, b as usize);
            let dx = pos[a][0] - pos[b][0];
            let dy = pos[a][1] - pos[b][1];
            let d = (dx * dx + dy * dy).sqrt().max(1e-6);
            // LinLog-style attraction: grows with the logarithm of the distance.
            let s = (1.0 + d / K).ln() / d * strength[e] * 2.0;
            spring[a][0] -= dx * s;
            spring[a][1] -= dy * s;
            spring[b][0] += dx * s;
            spring[b][1] += dy * s;
        }
        // Gravity keeps disconnected pieces of a group together, scaled so the group
        // settles at a radius of about sqrt(n) ideal lengths.
        for i in 0..n {
            let inv = 1.0 / degree[i].max(1) as f32;
            disp[i][0] += spring[i][0] * inv - pos[i][0] * gravity;
            disp[i][1] += spring[i][1] * inv - pos[i][1] * gravity;
            let len = (disp[i][0] * disp[i][0] + disp[i][1] * disp[i][1]).sqrt();
            if len > 1e-9 {
                let step = len.min(temperature) / len;
                pos[i][0] += disp[i][0] * step;
                pos[i][1] += disp[i][1] * step;
            }
        }
    }
    pos
}

/// Uniform grid over node positions: counting sort of nodes by cell.
#[derive(Default)]
struct Grid {
    cell: f32,
    min: [f32; 2],
    cols: i64,
    rows: i64,
    start: Vec<u32>,
    items: Vec<u32>,
}

impl Grid {
    fn build(&mut self, pos: &[[f32; 2]], cell: f32) {
        let (mut lo, mut hi) = ([f32::MAX; 2], [f32::MIN; 2]);
        for p in pos {
            for k in 0..2 {
                lo[k] = lo[k].min(p[k]);
                hi[k] = hi[k].max(p[k]);
            }
        }
        // At most about 4 cells per node: when a few nodes drift far out, cells grow
        // (a 3x3 block of larger cells still covers the repulsion radius).
        let extent = (hi[0] - lo[0]).max(hi[1] - lo[1]).max(0.0);
        let per_side = 2.0 * (pos.len() as f32).sqrt() + 1.0;
        let cell = cell.max(extent / per_side);
        self.cell = cell;
        self.min = lo;
        let span = |k: usize| (((hi[k] - lo[k]) / cell) as i64 + 1).clamp(1, 1 << 16);
        self.cols = span(0);
        self.rows = span(1);
        let cells = (self.cols * self.rows) as usize;
        self.start.clear();
        self.start.resize(cells + 1, 0);
        let idx: Vec<usize> = pos.iter().map(|&p| self.index(self.cell_of(p))).collect();
        for &c in &idx {
            self.start[c + 1] += 1;
        }
        for c in 0..cells {
            self.start[c + 1] += self.start[c];
        }
        self.items.clear();
        self.items.resize(pos.len(), 0);
        let mut fill = self.start.clone();
        for (i, &c) in idx.iter().enumerate() {
            self.items[fill[c] as usize] = i as u32;
            fill[c] += 1;
        }
    }

    fn cell_of(&self, p: [f32; 2]) -> (i64, i64) {
        let x = (((p[0] - self.min[0]) / self.cell) as i64).clamp(0, self.cols - 1);
        let y = (((p[1] - self.min[1]) / self.cell) as i64).clamp(0, self.rows - 1);
        (x, y)
    }

    fn index(&self, (x, y): (i64, i64)) -> usize {
        (y * self.cols + x) as usize
    }

    fn bucket(&self, x: i64, y: i64) -> &[u32] {
        if x < 0 || y < 0 || x >= self.cols || y >= self.rows {
            return &[];
        }
        let c = self.index((x, y));
        &self.items[self.start[c] as usize..self.start[c + 1] as usize]
    }
}

/// A circle to pack.
#[derive(Clone, Copy, Debug)]
pub struct Circle {
    /// Centre x (output).
    pub x: f64,
    /// Centre y (output).
    pub y: f64,
    /// Radius (input).
    pub r: f64,
}

fn place(b: Circle, a: Circle, c: &mut Circle) {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let d2 = dx * dx + dy * dy;
    if d2 > 0.0 {
        let a2 = (a.r + c.r) * (a.r + c.r);
        let b2 = (b.r + c.r) * (b.r + c.r);
        if a2 > b2 {
            let x = (d2 + b2 - a2) / (2.0 * d2);
            let y = (b2 / d2 - x * x).max(0.0).sqrt();
            c.x = b.x - x * dx - y * dy;
            c.y = b.y - x * dy + y * dx;
        } else {
            let x = (d2 + a2 - b2) / (2.0 * d2);
            let y = (a2 / d2 - x * x).max(0.0).sqrt();
            c.x = a.x + x * dx - y * dy;
            c.y = a.y + x * dy + y * dx;
        }
    } else {
        c.x = a.x + c.r;
        c.y = a.y;
    }
}

fn intersects(a: Circle, b: Circle) -> bool {
    let dr = a.r + b.r - 1e-6;
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    dr > 0.0 && dr * dr > dx * dx + dy * dy
}

/// Place the circles side by side without overlap around the origin (front-chain
/// packing, Wang et al. 2006, as in d3-hierarchy's `packSiblings`).
pub fn pack_siblings(c: &mut [Circle]) {
    let n = c.len();
    if n == 0 {
        return;
    }
    c[0].x = 0.0;
    c[0].y = 0.0;
    if n == 1 {
        return;
    }
    c[0].x = -c[1].r;
    c[1].x = c[0].r;
    c[1].y = 0.0;
    if n == 2 {
        return;
    }
    let (c0, c1) = (c[0], c[1]);
    place(c1, c0, &mut c[2]);
    // Front chain as a doubly linked list over circle indices.
    let mut next = vec![usize::MAX; n];
    let mut prev = vec![usize::MAX; n];
    let (mut a, mut b) = (0usize, 1usize);
    next[0] = 1;
    prev[1] = 0;
    next[1] = 2;
    prev[2] = 1;
    next[2] = 0;
    prev[0] = 2;
    let score = |c: &[Circle], i: usize, next: &[usize]| {
        let (p, q) = (c[i], c[next[i]]);
        let ab = p.r + q.r;
        let dx = (p.x * q.r + q.x * p.r) / ab;
        let dy = (p.y * q.r + q.y * p.r) / ab;
        dx * dx + dy * dy
    };
    let mut i = 3;
    // Each retry moves the chain; bound them so bad input cannot spin forever.
    let mut budget = 64 * n * n.max(16);
    'pack: while i < n {
        let (ca, cb) = (c[a], c[b]);
        place(ca, cb, &mut c[i]);
        let ci = c[i];
        let (mut j, mut k) = (next[b], prev[a]);
        let (mut sj, mut sk) = (c[b].r, c[a].r);
        loop {
            budget = budget.saturating_sub(1);
            if sj <= sk {
                if intersects(c[j], ci) && budget > 0 {
                    b = j;
                    next[a] = b;
                    prev[b] = a;
                    continue 'pack;
                }
                sj += c[j].r;
                j = next[j];
            } else {
                if intersects(c[k], ci) && budget > 0 {
                    a = k;
                    next[a] = b;
                    prev[b] = a;
                    continue 'pack;
                }
                sk += c[k].r;
                k = prev[k];
            }
            if j == next[k] {
                break;
            }
        }
        // Insert i between a and b.
        prev[i] = a;
        next[i] = b;
        next[a] = i;
        prev[b] = i;
        b = i;
        // The pair closest to the centre becomes (a, next a).
        let mut best = score(c, a, &next);
        let mut x = next[b];
        while x != b {
            let s = score(c, x, &next);
            if s < best {
                a = x;
                best = s;
            }
            x = next[x];
        }
        b = next[a];
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_circles_do_not_overlap() {
        let mut c: Vec<Circle> = (0..300)
            .map(|i| Circle {
                x: 0.0,
                y: 0.0,
                r: 1.0 + ((i * 37) % 23) as f64 / 3.0,
            })
            .collect();
        c.sort_by(|a, b| b.r.total_cmp(&a.r));
        pack_siblings(&mut c);
        for i in 0..c.len() {
            for j in i + 1..c.len() {
                let d = ((c[i].x - c[j].x).powi(2) + (c[i].y - c[j].y).powi(2)).sqrt();
                assert!(d + 1e-6 >= c[i].r + c[j].r - 1e-3, "{i} and {j} overlap");
            }
        }
        // Reasonably dense: the packing's extent is not far above the area bound.
        let area: f64 = c.iter().map(|x| x.r * x.r).sum();
        let extent = c
            .iter()
            .map(|x| (x.x * x.x + x.y * x.y).sqrt() + x.r)
            .fold(0.0, f64::max);
        assert!(extent * extent < 3.0 * area, "extent {extent}, area {area}");
    }

    #[test]
    fn groups_are_separated_and_positions_finite() {
        // Three cliques of 20 and a ring of 50, plus a few cross edges.
        let mut edges = Vec::new();
        let mut group = Vec::new();
        for g in 0..3u32 {
            let base = g * 20;
            for a in 0..20 {
                group.push(g + 1);
                for b in a + 1..20 {
                    edges.push((base + a, base + b, 3.0));
                }
            }
        }
        for i in 0..50u32 {
            group.push(0);
            edges.push((60 + i, 60 + (i + 1) % 50, 1.0));
        }
        edges.push((0, 25, 1.0));
        edges.push((61, 45, 1.0));
        let pos = layout(group.len(), &edges, &group);
        assert!(pos.iter().all(|p| p[0].is_finite() && p[1].is_finite()));
        let centre = |g: u32| {
            let m: Vec<_> = (0..group.len()).filter(|&i| group[i] == g).collect();
            let x = m.iter().map(|&i| pos[i][0]).sum::<f32>() / m.len() as f32;
            let y = m.iter().map(|&i| pos[i][1]).sum::<f32>() / m.len() as f32;
            let r = m
                .iter()
                .map(|&i| ((pos[i][0] - x).powi(2) + (pos[i][1] - y).powi(2)).sqrt())
                .fold(0.0, f32::max);
            (x, y, r)
        };
        let cs: Vec<_> = (0..4).map(centre).collect();
        for i in 0..4 {
            for j in i + 1..4 {
                let d = ((cs[i].0 - cs[j].0).powi(2) + (cs[i].1 - cs[j].1).powi(2)).sqrt();
                assert!(d >= cs[i].2 + cs[j].2, "groups {i} and {j} overlap");
            }
        }
        // Distinct nodes do not sit on top of each other.
        let mut close = 0;
        for i in 0..pos.len() {
            for j in i + 1..pos.len() {
                if (pos[i][0] - pos[j][0]).abs() + (pos[i][1] - pos[j][1]).abs() < 1e-3 {
                    close += 1;
                }
            }
        }
        assert_eq!(close, 0);
    }

    #[test]
    fn deterministic_and_handles_degenerate_input() {
        assert!(layout(0, &[], &[]).is_empty());
        assert_eq!(layout(1, &[], &[7]), vec![[0.0, 0.0]]);
        let edges = [
            (0, 1, 1.0),
            (1, 2, 1.0),
            (2, 0, 1.0),
            (5, 5, 1.0),
            (9, 99, 1.0),
        ];
        let g = [1, 1, 1, 2, 2, 0];
        assert_eq!(layout(6, &edges, &g), layout(6, &edges, &g));
    }
}
