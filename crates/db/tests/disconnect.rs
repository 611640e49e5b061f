//! A PostgreSQL / MySQL server that goes away mid-request and comes back: the request in
//! flight fails with `DbError::Disconnected`, calls made while it is away fail the same way
//! within seconds (the API answers 503, it does not hang), and once it is back the pool
//! reconnects by itself. The server is cut off through a TCP proxy the test controls.

use std::time::{Duration, Instant};

use openstack_db::testing::{fresh, server_addr, server_legs, via_proxy, Leg, TcpProxy as Proxy};
use openstack_db::{sql, Database, DbError};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_goes_away_gives_disconnected_and_the_pool_reconnects() {
    for leg in server_legs() {
        let t = fresh(&leg).await;
        let (sleep, default_port) = match leg {
            Leg::Postgres(_) => ("SELECT pg_sleep(3)", 5432),
            _ => ("SELECT SLEEP(3)", 3306),
        };
        let proxy = Proxy::start(server_addr(&t.url, default_port)).await;
        let db = Database::connect_url(&via_proxy(&t.url, proxy.port))
            .await
            .unwrap_or_else(|e| panic!("{}: via proxy: {e}", leg.name()));
        db.execute(sql("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)"))
            .await
            .expect("create");
        db.execute(sql("INSERT INTO t (id, v) VALUES (1, 1)"))
            .await
            .expect("insert");

        // The server goes away while a request is in flight.
        let busy = db.clone();
        let in_flight = tokio::spawn(async move { busy.fetch_all(sql(sleep)).await });
        tokio::time::sleep(Duration::from_millis(300)).await;
        proxy.cut();
        let started = Instant::now();
        let e = in_flight.await.expect("task").expect_err("cut mid-request");
        assert!(e.is_disconnect(), "{}: {e:?}", leg.name());
        assert!(started.elapsed() < Duration::from_secs(3), "{}", leg.name());

        // While it is away, calls fail fast with Disconnected.
        {
            let started = Instant::now();
            let e = db
                .fetch_one(sql("SELECT v FROM t WHERE id = 1"))
                .await
                .expect_err("down");
            assert!(
                matches!(e, DbError::Disconnected(_)),
                "{}: {e:?}",
                leg.name()
            );
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "{}: took {:?}",
                leg.name(),
                started.elapsed()
            );
            let e = db
                .write(|tx| {
                    Box::pin(
                        async move { tx.execute(sql("UPDATE t SET v = 2 WHERE id = 1")).await },
                    )
                })
                .await
                .expect_err("down");
            assert!(e.is_disconnect(), "{}: {e:?}", leg.name());
        }

        // Back: the pool reconnects without being told, and nothing was half-written.
        proxy.restore().await;
        let v: i64 = db
            .fetch_one(sql("SELECT v FROM t WHERE id = 1"))
            .await
            .unwrap_or_else(|e| panic!("{}: after restore: {e}", leg.name()))
            .get("v")
            .expect("v");
        assert_eq!(v, 1, "{}", leg.name());
        db.write(|tx| {
            Box::pin(async move { tx.execute(sql("UPDATE t SET v = 3 WHERE id = 1")).await })
        })
        .await
        .expect("write after restore");
        proxy.cut();
        db.close().await;
    }
}
