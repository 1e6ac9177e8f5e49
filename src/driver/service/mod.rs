//! Managed services: the `[target.service]` table, its check, and the processes benchbot
//! starts in their own process group, waits for, and always stops.

mod config;
mod process;

pub use config::{check, Ready, ServiceTable};
pub use process::{
    free_port, kill_all, log_tail, pin_current, reap_and_register, ReadyCheck, Service,
    ServiceError, ServiceSpec,
};
