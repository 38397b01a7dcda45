use super::*;
use crate::view::{AppStatus, WorkloadKind};

fn pod(name: &str, status: &str, restarts: i32, ip: Option<&str>) -> PodRow {
    PodRow {
        name: name.into(),
        status: status.into(),
        ready: 0,
        containers: 1,
        restarts,
        node: None,
        ip: ip.map(String::from),
        age_seconds: None,
        usage: None,
    }
}

fn names<R: LiveRow>(selection: &Selection<R>) -> Vec<&str> {
    selection.rows.iter().map(|r| r.name()).collect()
}

fn view() -> View {
    View::default()
}

#[test]
fn changes_apply_by_name() {
    let mut set = RowSet::default();
    set.upsert(pod("b", "Running", 0, None), Some(10));
    set.upsert(pod("a", "Pending", 0, None), Some(20));
    set.upsert(pod("b", "Failed", 1, None), Some(10));
    let all = set.select(&view(), 100);
    assert_eq!(names(&all), ["a", "b"]);
    assert_eq!(all.rows[1].status, "Failed", "the latest state wins");
    set.remove("a");
    set.remove("never-there");
    assert_eq!(names(&set.select(&view(), 100)), ["b"]);
}

#[test]
fn a_relist_keeps_rows_until_it_is_complete_then_drops_the_unlisted() {
    let mut set = RowSet::default();
    for name in ["a", "b", "c"] {
        set.upsert(pod(name, "Running", 0, None), None);
    }
    set.relist();
    set.upsert(pod("b", "Running", 0, None), None);
    set.upsert(pod("d", "Running", 0, None), None);
    // Mid-relist, nothing has disappeared yet: no flicker.
    assert_eq!(names(&set.select(&view(), 0)), ["a", "b", "c", "d"]);
    set.listed();
    assert_eq!(names(&set.select(&view(), 0)), ["b", "d"]);
    // A delete during a relist is not brought back by its end.
    set.relist();
    set.upsert(pod("b", "Running", 0, None), None);
    set.remove("b");
    set.listed();
    assert_eq!(names(&set.select(&view(), 0)), Vec::<&str>::new());
}

#[test]
fn windows_are_slices_of_the_filtered_sorted_list() {
    let mut set = RowSet::default();
    for i in 0..1000 {
        let status = if i % 10 == 0 { "Failed" } else { "Pending" };
        set.upsert(
            pod(&format!("pod-{i:04}"), status, i % 7, None),
            Some(i as i64),
        );
    }
    let window = set.select(
        &View {
            offset: 990,
            limit: 50,
            ..view()
        },
        2000,
    );
    assert_eq!(
        (window.total, window.matched, window.offset),
        (1000, 1000, 990)
    );
    assert_eq!(window.rows.len(), 10, "the window stops at the end");
    assert_eq!(window.rows[0].name, "pod-0990");
    assert_eq!(window.rows[0].age_seconds, Some(2000 - 990));
    assert_eq!(
        window.statuses,
        [("Failed".to_string(), 100), ("Pending".to_string(), 900)]
    );

    let failed = set.select(
        &View {
            status: "Failed".into(),
            name: "POD-00".into(),
            ..view()
        },
        0,
    );
    assert_eq!(
        failed.matched, 10,
        "status and case-insensitive name filter"
    );
    assert!(failed.rows.iter().all(|r| r.status == "Failed"));

    // Beyond the end: an empty window at the end, not an error.
    let past = set.select(
        &View {
            offset: 5000,
            ..view()
        },
        0,
    );
    assert_eq!((past.offset, past.rows.len()), (1000, 0));

    // A request for more than MAX_WINDOW rows gets MAX_WINDOW.
    let big = set.select(
        &View {
            limit: 100_000,
            ..view()
        },
        0,
    );
    assert_eq!(big.rows.len(), MAX_WINDOW as usize);
}

#[test]
fn a_window_in_the_middle_is_the_same_as_slicing_the_fully_sorted_list() {
    let mut set = RowSet::default();
    for i in 0..300 {
        set.upsert(pod(&format!("p{i}"), "Running", (i * 37) % 11, None), None);
    }
    let sorted = |offset, limit| {
        set.select(
            &View {
                sort: SortColumn::Restarts,
                descending: true,
                offset,
                limit,
                ..view()
            },
            0,
        )
        .rows
    };
    let everything = sorted(0, 300);
    assert_eq!(sorted(120, 40), everything[120..160].to_vec());
    assert!(
        everything
            .windows(2)
            .all(|w| w[0].restarts >= w[1].restarts)
    );
}

#[test]
fn sorting_by_each_column() {
    let mut set = RowSet::default();
    set.upsert(pod("a", "Running", 3, Some("10.0.0.10")), Some(100));
    set.upsert(pod("b", "Pending", 1, Some("10.0.0.9")), Some(300));
    set.upsert(pod("c", "Running", 2, None), None);
    let by = |sort, descending| {
        let s = set.select(
            &View {
                sort,
                descending,
                ..view()
            },
            1000,
        );
        names(&s).into_iter().map(String::from).collect::<Vec<_>>()
    };
    assert_eq!(by(SortColumn::Name, true), ["c", "b", "a"]);
    assert_eq!(by(SortColumn::Status, false), ["b", "a", "c"]);
    assert_eq!(by(SortColumn::Restarts, false), ["b", "c", "a"]);
    assert_eq!(
        by(SortColumn::Ip, false),
        ["b", "a", "c"],
        "numeric IPs, unknown last"
    );
    assert_eq!(
        by(SortColumn::Age, false),
        ["b", "a", "c"],
        "newest first, unknown last"
    );
}

#[test]
fn sort_columns_round_trip_through_urls() {
    for column in SortColumn::ALL {
        assert_eq!(SortColumn::parse(column.as_str()), Some(column));
    }
    assert_eq!(SortColumn::parse("nonsense"), None);
}

#[test]
fn requests_read_as_json_with_defaults() {
    let request = LiveRequest::decode(
        r#"{"type":"subscribe","id":3,"source":{"kind":"pods","space":"demo"},"view":{}}"#,
    )
    .unwrap();
    assert_eq!(
        request,
        LiveRequest::Subscribe {
            id: 3,
            source: Source::all(LiveKind::Pods, "demo"),
            view: View::default(),
        }
    );
    assert_eq!(LiveRequest::decode(&request.encode()).unwrap(), request);
    let ack = LiveRequest::Ack { id: 3, seq: 9 };
    assert_eq!(ack.encode(), r#"{"type":"ack","id":3,"seq":9}"#);
    assert!(LiveRequest::decode(r#"{"type":"subscribe","id":1}"#).is_err());
    assert!(LiveRequest::decode("not json").is_err());
}

#[test]
fn messages_round_trip() {
    let messages = [
        LiveMessage::Rows {
            id: 1,
            window: Window {
                seq: 2,
                state: LiveState::Live,
                total: 5,
                matched: 1,
                offset: 0,
                rows: LiveRows::Pods(vec![pod("a", "Running", 0, Some("10.0.0.1"))]),
                statuses: vec![("Running".into(), 5)],
            },
        },
        LiveMessage::State {
            id: 1,
            state: LiveState::Reconnecting,
        },
        LiveMessage::Failed {
            id: 1,
            error: ApiError::Forbidden {
                message: "pods is forbidden".into(),
            },
        },
        LiveMessage::Pong,
    ];
    for message in messages {
        assert_eq!(LiveMessage::decode(&message.encode()).unwrap(), message);
    }
    assert_eq!(
        LiveMessage::State {
            id: 4,
            state: LiveState::Syncing
        }
        .encode(),
        r#"{"state":{"id":4,"state":"syncing"}}"#
    );
    assert_eq!(LiveMessage::Pong.encode(), r#""pong""#);
    // The rows are tagged by kind, outside too.
    let rows = LiveRows::Services(vec![]);
    assert_eq!(serde_json::to_string(&rows).unwrap(), r#"{"services":[]}"#);
    // What a buffering decoder accepted and this one does not: the tag
    // inside.
    assert!(LiveMessage::decode(r#"{"type":"pong"}"#).is_err());
}

#[test]
fn sources_are_checked_before_any_call() {
    assert_eq!(Source::spaces().check(), Ok(()));
    assert!(source_in(LiveKind::Pods, "demo").check().is_ok());
    for bad in ["", "../api", "Demo", "a/b"] {
        assert!(source_in(LiveKind::Pods, bad).check().is_err(), "{bad:?}");
    }
    assert!(source_in(LiveKind::Spaces, "demo").check().is_err());
    assert_eq!(Source::nodes().check(), Ok(()));
    assert!(
        source_in(LiveKind::Nodes, "demo").check().is_err(),
        "nodes are in no space"
    );
    let wire = serde_json::to_string(&Source::nodes()).unwrap();
    assert!(wire.contains(r#""kind":"nodes""#), "{wire}");
}

fn source_in(kind: LiveKind, space: &str) -> Source {
    Source::all(kind, space)
}

#[test]
fn sources_of_one_object_are_field_selectors() {
    assert_eq!(
        Source::named(LiveKind::Workloads, "demo", "web").fields,
        "metadata.name=web"
    );
    assert_eq!(
        Source::events_of("demo", Some("Pod"), "web-0").fields,
        "involvedObject.kind=Pod,involvedObject.name=web-0"
    );
    let any_kind = Source::events_of("demo", None, "web");
    assert_eq!(any_kind.fields, "involvedObject.name=web");
    assert_eq!(any_kind.kind, LiveKind::Events);
    // Older pages' subscriptions without `fields` still read.
    let old: Source = serde_json::from_str(r#"{"kind":"events","space":"demo"}"#).unwrap();
    assert_eq!(old, Source::all(LiveKind::Events, "demo"));
}

fn event(name: &str, object: &str, warning: bool, reason: &str) -> EventRow {
    EventRow {
        name: name.into(),
        object: object.into(),
        warning,
        reason: reason.into(),
        message: String::new(),
        count: 1,
        age_seconds: None,
        source: String::new(),
    }
}

#[test]
fn events_are_newest_first_and_filter_by_type() {
    let mut set = RowSet::default();
    // `created` is when each last happened.
    set.upsert(event("e1", "Pod/a", false, "Scheduled"), Some(100));
    set.upsert(event("e2", "Pod/a", true, "BackOff"), Some(300));
    set.upsert(event("e3", "Pod/b", false, "Pulled"), Some(200));
    let by_age = View {
        sort: SortColumn::Age,
        ..view()
    };
    let newest = set.select(&by_age, 400);
    assert_eq!(names(&newest), ["e2", "e3", "e1"]);
    assert_eq!(
        newest.rows[0].age_seconds,
        Some(100),
        "since it last happened"
    );
    // The same event again, later: it moves to the top.
    set.upsert(event("e1", "Pod/a", false, "Scheduled"), Some(350));
    assert_eq!(names(&set.select(&by_age, 400)), ["e1", "e2", "e3"]);
    let warnings = set.select(
        &View {
            status: "Warning".into(),
            ..by_age.clone()
        },
        400,
    );
    assert_eq!(names(&warnings), ["e2"]);
    assert_eq!(
        warnings.statuses,
        [("Normal".to_owned(), 2), ("Warning".to_owned(), 1)]
    );
    // By object, then newest first within one object.
    let by_object = set.select(&view(), 400);
    assert_eq!(names(&by_object), ["e1", "e2", "e3"]);
}

#[test]
fn spaces_sort_and_filter_by_state() {
    let mut set = RowSet::default();
    for (name, terminating) in [("b", false), ("a", true), ("c", false)] {
        set.upsert(
            SpaceSummary {
                name: name.into(),
                description: None,
                terminating,
                age_seconds: None,
            },
            None,
        );
    }
    let terminating = set.select(
        &View {
            status: "Terminating".into(),
            ..view()
        },
        0,
    );
    assert_eq!(names(&terminating), ["a"]);
    let by_state = set.select(
        &View {
            sort: SortColumn::Status,
            ..view()
        },
        0,
    );
    assert_eq!(names(&by_state), ["b", "c", "a"]);
}

fn workload(kind: WorkloadKind, name: &str, status: AppStatus) -> WorkloadRow {
    WorkloadRow {
        kind,
        name: name.into(),
        alias: None,
        images: vec![],
        desired: 1,
        ready: 1,
        updated: 1,
        status,
        reason: None,
        managed_by: None,
        selector: String::new(),
        age_seconds: None,
    }
}

#[test]
fn workloads_of_every_kind_are_one_list_and_equal_names_stay_apart() {
    let mut deployments = RowSet::default();
    let mut jobs = RowSet::default();
    deployments.upsert(
        workload(WorkloadKind::Deployment, "web", AppStatus::Running),
        None,
    );
    deployments.upsert(
        workload(WorkloadKind::Deployment, "api", AppStatus::Updating),
        None,
    );
    // A Job may share a Deployment's name: each kind keeps its own set.
    jobs.upsert(
        workload(WorkloadKind::Job, "web", AppStatus::Completed),
        None,
    );
    let all = RowSet::select_all(&[&deployments, &jobs], &view(), 0);
    assert_eq!(all.total, 3);
    let order: Vec<_> = all.rows.iter().map(|r| (r.name.as_str(), r.kind)).collect();
    assert_eq!(
        order,
        [
            ("api", WorkloadKind::Deployment),
            ("web", WorkloadKind::Deployment),
            ("web", WorkloadKind::Job)
        ]
    );
    let by_kind = RowSet::select_all(
        &[&deployments, &jobs],
        &View {
            sort: SortColumn::Type,
            descending: true,
            ..view()
        },
        0,
    );
    assert_eq!(by_kind.rows[0].kind, WorkloadKind::Job);
    let completed = RowSet::select_all(
        &[&deployments, &jobs],
        &View {
            status: "Completed".into(),
            ..view()
        },
        0,
    );
    assert_eq!(completed.matched, 1);
    assert_eq!(completed.statuses.len(), 3);
    jobs.remove("web");
    assert_eq!(
        RowSet::select_all(&[&deployments, &jobs], &view(), 0).total,
        2
    );
}
