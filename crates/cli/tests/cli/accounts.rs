//! `pullback user reset-password` and `pullback user token`: the self-hosted
//! admin's tools for the web app.

use crate::{finish, pullback};
use std::path::Path;

fn run(db: &Path, args: &[&str], stdin: Option<&str>) -> crate::Run {
    let mut cmd = pullback();
    cmd.env_remove("PULLBACK_USER").env_remove("PULLBACK_DATABASE_URL").arg("--database").arg(db).args(args);
    if let Some(stdin) = stdin {
        cmd.write_stdin(stdin);
    }
    finish(&mut cmd)
}

fn stored_hash(db: &Path, name: &str) -> Option<String> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        let store = pullback_store::SqliteStore::open(db).await.expect("the database");
        use pullback_store::Store as _;
        store.credentials(name).await.expect("a read").expect("the user").password_hash
    })
}

#[test]
fn reset_password_sets_a_hash_that_verifies() {
    let dir = tempfile::tempdir().expect("a folder");
    let db = dir.path().join("pullback.db");
    assert_eq!(run(&db, &["user", "add", "ana"], None).code, Some(0));
    assert_eq!(stored_hash(&db, "ana"), None, "a command-line user has no password");

    let set = run(&db, &["user", "reset-password", "ana", "--password-stdin"], Some("a new password\n"));
    assert_eq!(set.code, Some(0), "{}", set.stderr);
    let hash = stored_hash(&db, "ana").expect("a hash");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(pullback_app::secrets::verify_password("a new password", Some(&hash)));
    assert!(!pullback_app::secrets::verify_password("a new password\n", Some(&hash)), "the newline is not part of it");

    let generated = run(&db, &["user", "reset-password", "ana"], None);
    assert_eq!(generated.code, Some(0), "{}", generated.stderr);
    let password = generated.stdout.lines().next().and_then(|l| l.rsplit(' ').next()).expect("the password");
    assert!(
        pullback_app::secrets::verify_password(password, stored_hash(&db, "ana").as_deref()),
        "{}",
        generated.stdout
    );

    let short = run(&db, &["user", "reset-password", "ana", "--password-stdin"], Some("short\n"));
    assert_eq!(short.code, Some(2));
    assert!(short.stderr.contains("at least 8 characters"), "{}", short.stderr);
    let unknown = run(&db, &["user", "reset-password", "nobody"], None);
    assert_eq!(unknown.code, Some(2));
    assert!(unknown.stderr.contains("no user named \"nobody\""), "{}", unknown.stderr);
}

/// Whether the store still knows `token`.
fn token_works(db: &Path, token: &str) -> bool {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        use pullback_store::Store as _;
        let store = pullback_store::SqliteStore::open(db).await.expect("the database");
        store.api_token_user(&pullback_app::secrets::sha256(token.as_bytes())).await.expect("a read").is_some()
    })
}

#[test]
fn reset_password_ends_the_api_tokens_too_unless_told_to_keep_them() {
    let dir = tempfile::tempdir().expect("a folder");
    let db = dir.path().join("pullback.db");
    assert_eq!(run(&db, &["user", "add", "ana"], None).code, Some(0));
    let token = |label| run(&db, &["user", "token", "ana", "--label", label], None).stdout.trim().to_owned();

    let phone = token("phone");
    let kept = run(&db, &["user", "reset-password", "ana", "--keep-tokens"], None);
    assert_eq!(kept.code, Some(0), "{}", kept.stderr);
    assert!(kept.stdout.contains("Their API tokens still work."), "{}", kept.stdout);
    assert!(token_works(&db, &phone), "--keep-tokens keeps them");

    let reset = run(&db, &["user", "reset-password", "ana"], None);
    assert_eq!(reset.code, Some(0), "{}", reset.stderr);
    assert!(reset.stdout.contains("Their browsers are signed out and their API tokens revoked."), "{}", reset.stdout);
    assert!(!token_works(&db, &phone), "a reset ends the tokens by default");
}

#[test]
fn user_token_prints_a_token_the_store_knows() {
    let dir = tempfile::tempdir().expect("a folder");
    let db = dir.path().join("pullback.db");
    assert_eq!(run(&db, &["user", "add", "ana"], None).code, Some(0));
    let out = run(&db, &["user", "token", "ana", "--label", "phone"], None);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let token = out.stdout.trim();
    assert!(token.starts_with("pb_") && token.len() > 40, "{token}");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let owner = runtime.block_on(async {
        use pullback_store::Store as _;
        let store = pullback_store::SqliteStore::open(&db).await.expect("the database");
        store.api_token_user(&pullback_app::secrets::sha256(token.as_bytes())).await.expect("a read")
    });
    assert!(owner.is_some(), "the printed token is not stored");
}

#[test]
fn grant_clinician_gives_and_withdraws_the_role_and_tells_the_lifters() {
    use pullback_store::Store as _;
    let dir = tempfile::tempdir().expect("a folder");
    let db = dir.path().join("pullback.db");
    assert_eq!(run(&db, &["user", "add", "maria"], None).code, Some(0));
    assert_eq!(run(&db, &["user", "add", "ana"], None).code, Some(0));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let store = || runtime.block_on(pullback_store::SqliteStore::open(&db)).expect("the database");
    let user = |name: &str| runtime.block_on(store().user_by_name(name)).expect("the user");

    let granted = run(&db, &["user", "grant-clinician", "maria"], None);
    assert_eq!(granted.code, Some(0), "{}", granted.stderr);
    assert!(granted.stdout.contains("maria is now a clinician"), "{}", granted.stdout);
    assert!(user("maria").clinician);
    let again = run(&db, &["user", "grant-clinician", "maria"], None);
    assert!(again.stdout.contains("maria is already a clinician; nothing changed."), "{}", again.stdout);

    // ana accepts an invitation of maria's.
    let (maria, ana) = (user("maria"), user("ana"));
    let code = pullback_app::secrets::sha256(b"ABCDEFGHJK");
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1);
    runtime.block_on(store().create_invitation(maria.id, &code, later)).expect("an invitation");
    runtime.block_on(store().accept_invitation(&ana, &code, jiff::Timestamp::now())).expect("accepted");

    let revoked = run(&db, &["user", "grant-clinician", "maria", "--revoke"], None);
    assert_eq!(revoked.code, Some(0), "{}", revoked.stderr);
    assert!(revoked.stdout.contains("maria is no longer a clinician; 1 lifter(s)"), "{}", revoked.stdout);
    assert!(!user("maria").clinician);
    assert!(!runtime.block_on(store().can_view(maria.id, ana.id)).expect("a read"));
    let log = runtime.block_on(store().audit_log(ana.id, 10)).expect("a read");
    assert_eq!(log[0].action, "access_revoked", "{log:?}");
    assert!(log[0].detail.contains("no longer a clinician"), "{log:?}");
    let again = run(&db, &["user", "grant-clinician", "maria", "--revoke"], None);
    assert!(again.stdout.contains("maria is not a clinician; nothing changed."), "{}", again.stdout);

    let unknown = run(&db, &["user", "grant-clinician", "nobody"], None);
    assert_eq!(unknown.code, Some(2));
    assert!(unknown.stderr.contains("no user named \"nobody\""), "{}", unknown.stderr);
}
