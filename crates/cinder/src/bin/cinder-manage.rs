//! `cinder-manage`: the operator's tool. All the work is in `openstack_cinder::cmd::manage`.

fn main() {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    std::process::exit(openstack_cinder::cmd::manage::main(&args));
}
