//! Finds types that contain themselves without indirection and boxes the
//! fields that close the loop, so recursive schemas compile.

use std::collections::HashMap;

use crate::ir::{TypeDef, TypeKind, TypeRef};

/// The named type a value of `ty` holds inline (not behind a `Vec` or map).
fn inline_target(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        _ => None,
    }
}

/// Sets `boxed` on every struct field and union variant whose type is in the
/// same strongly connected component of the "holds inline" graph as its
/// parent.
pub(crate) fn box_cycles(types: &mut [TypeDef]) {
    let index: HashMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| {
            let targets: Vec<&TypeRef> = match &t.kind {
                TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).collect(),
                TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
                TypeKind::Alias(ty) => vec![ty],
                TypeKind::Enum(_) | TypeKind::FieldEnum(_) => Vec::new(),
            };
            targets
                .into_iter()
                .filter_map(inline_target)
                .filter_map(|name| index.get(name).copied())
                .collect()
        })
        .collect();
    let component = strongly_connected(&edges);
    let in_cycle = |from: usize, to: usize| component[from] == component[to];
    for (i, t) in types.iter_mut().enumerate() {
        let boxed_target = |ty: &TypeRef| {
            inline_target(ty)
                .and_then(|name| index.get(name).copied())
                .is_some_and(|j| in_cycle(i, j))
        };
        match &mut t.kind {
            TypeKind::Struct(s) => {
                for f in &mut s.fields {
                    f.boxed = boxed_target(&f.ty);
                }
            }
            TypeKind::Union(u) => {
                for v in &mut u.variants {
                    v.boxed = boxed_target(&v.ty);
                }
            }
            TypeKind::Alias(_) | TypeKind::Enum(_) | TypeKind::FieldEnum(_) => {}
        }
    }
}

/// Kosaraju's algorithm with explicit stacks (specs can be deep enough to
/// overflow a recursive walk). Returns a component id per node.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut order = Vec::with_capacity(n);
    let mut seen = vec![false; n];
    for start in 0..n {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut stack = vec![(start, 0usize)];
        while let Some((node, next)) = stack.last_mut() {
            if let Some(&to) = edges[*node].get(*next) {
                *next += 1;
                if !seen[to] {
                    seen[to] = true;
                    stack.push((to, 0));
                }
            } else {
                order.push(*node);
                stack.pop();
            }
        }
    }
    let mut reverse = vec![Vec::new(); n];
    for (from, tos) in edges.iter().enumerate() {
        for &to in tos {
            reverse[to].push(from);
        }
    }
    let mut component = vec![usize::MAX; n];
    for (id, &root) in order.iter().rev().enumerate() {
        if component[root] != usize::MAX {
            continue;
        }
        component[root] = id;
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            for &from in &reverse[node] {
                if component[from] == usize::MAX {
                    component[from] = id;
                    stack.push(from);
                }
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::strongly_connected;

    #[test]
    fn components() {
        // 0 -> 1 -> 2 -> 0, 3 -> 3, 4 alone
        let edges = vec![vec![1], vec![2], vec![0], vec![3], vec![]];
        let c = strongly_connected(&edges);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[1], c[2]);
        assert_ne!(c[0], c[3]);
        assert_ne!(c[3], c[4]);
    }
}
