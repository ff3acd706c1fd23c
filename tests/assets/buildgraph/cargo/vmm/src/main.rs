// SPDX-License-Identifier: GPL-2.0-only
use std::io;
use devices::Bus;
// use not_a_crate::x;
use secret_crypto::{seal, open as unseal};

fn main() {
    let _ = (Bus, seal, unseal, io::stdout());
}
