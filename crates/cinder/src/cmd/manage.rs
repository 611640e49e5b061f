//! `cinder-manage` (`cinder/cmd/manage.py`): the operator's tool. Today: `config sample`
//! prints every option cinder-api reads, and `config show` the values it would use.

/// Runs cinder-manage with `args` (argv without the program name); returns the exit code.
pub fn main(args: &[String]) -> i32 {
    let (category, action, rest) = match args {
        [c, a, rest @ ..] if !c.starts_with('-') => (c.as_str(), a.as_str(), rest),
        _ => return usage(),
    };
    match (category, action) {
        ("config", "sample") => match super::api::config("cinder-manage") {
            Ok(conf) => {
                print!("{}", conf.generate_sample());
                0
            }
            Err(e) => {
                eprintln!("{e}");
                1
            }
        },
        ("config", "show") => {
            let mut conf = match super::api::config("cinder-manage") {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("{e}");
                    return 1;
                }
            };
            if let Err(e) = conf.parse_args(rest).and_then(|()| conf.validate()) {
                let (code, message) = super::exit_for(&e);
                eprintln!("{message}");
                return code;
            }
            for line in conf.log_opt_values() {
                println!("{line}");
            }
            0
        }
        _ => usage(),
    }
}

fn usage() -> i32 {
    eprintln!(
        "usage: cinder-manage <category> <action> [options]\n\n\
         categories and actions:\n  \
         config sample   print every option with its help text and default\n  \
         config show [--config-file F ...]   print the values the services would use (secrets masked)"
    );
    2
}
