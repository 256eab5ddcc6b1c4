{#-
    One row per pull request with everything the people-flow and delivery metrics need:
    - owner team (repository ownership) and author team at PR creation (effective-dated);
    - account kind of the author: human, bot or ai_agent (GitHub type Bot, seed
      bot_accounts, roster is_bot); `people_flow_team_name` follows docs/metrics.md: the
      author's team, an AI agent's PR goes to the owner team, other bots' PRs to none;
    - AI attribution: the lowest-priority rule of seed ai_attribution_rules that matches
      a label, a commit trailer, the author or the body (`ai_attribution_source`);
    - rework kind from seed rework_rules (revert, hotfix, bugfix);
    - size (lines added + deleted, from the PR's files when loaded), first commit,
      first review or review comment by someone other than the author;
    - the work-item key (e.g. PAY-123) found in the title or branch.

    Incremental: a run re-reads PRs whose latest version was loaded since the newest load
    already built (`loaded_at`, from dlt's load id), minus var('incremental_lookback_days')
    for late data. The github source reloads a PR whenever its commits, reviews, comments
    or labels change, and a backfill of old PRs arrives with a new load, so arrival time,
    not updated_at, decides. The PR-level lists (labels, commits, reviews, review
    comments, files) are read for those PRs only. Roster or seed-rule changes need
    `dbt build --full-refresh`.
-#}
{{ config(
    materialized=incremental_materialized(),
    unique_key='pull_request_id',
    incremental_strategy=incremental_strategy(),
    on_schema_change='append_new_columns'
) }}

with

pull_requests as (
    select * from {{ ref('int_pull_requests_unioned') }}
    {% if is_incremental() %}
        where loaded_at >= ({{ incremental_cutoff('loaded_at') }})
    {% endif %}
),

labels as (
    select * from {{ ref('int_pull_request_labels_unioned') }}
    {% if is_incremental() %}
        as labels_source
        where exists (
            select 1 from pull_requests
            where pull_requests.pull_request_id = labels_source.pull_request_id
        )
    {% endif %}
),

commits as (
    select * from {{ ref('int_pull_request_commits_unioned') }}
    {% if is_incremental() %}
        as commits_source
        where exists (
            select 1 from pull_requests
            where pull_requests.repository_full_name = commits_source.repository_full_name
                and pull_requests.pull_number = commits_source.pull_number
        )
    {% endif %}
),

reviews as (
    select * from {{ ref('int_pull_request_reviews_unioned') }}
    {% if is_incremental() %}
        as reviews_source
        where exists (
            select 1 from pull_requests
            where pull_requests.repository_full_name = reviews_source.repository_full_name
                and pull_requests.pull_number = reviews_source.pull_number
        )
    {% endif %}
),

review_comments as (
    select * from {{ ref('int_pull_request_review_comments_unioned') }}
    {% if is_incremental() %}
        as review_comments_source
        where exists (
            select 1 from pull_requests
            where pull_requests.repository_full_name = review_comments_source.repository_full_name
                and pull_requests.pull_number = review_comments_source.pull_number
        )
    {% endif %}
),

files as (
    select * from {{ ref('int_pull_request_files_unioned') }}
    {% if is_incremental() %}
        as files_source
        where exists (
            select 1 from pull_requests
            where pull_requests.repository_full_name = files_source.repository_full_name
                and pull_requests.pull_number = files_source.pull_number
        )
    {% endif %}
),

repositories as (
    select * from {{ ref('int_repositories_owned') }}
),

memberships as (
    select * from {{ ref('int_team_memberships') }}
),

attribution_rules as (
    select * from {{ ref('ai_attribution_rules') }}
),

rework_rules as (
    select * from {{ ref('rework_rules') }}
),

bot_accounts as (
    select
        {{ pseudonymize('login') }} as person_id,
        account_kind
    from {{ ref('bot_accounts') }}
),

commit_stats as (
    select
        repository_full_name,
        pull_number,
        count(*) as commit_count,
        min(authored_at) as first_commit_authored_at,
        max(authored_at) as last_commit_authored_at
    from commits
    group by repository_full_name, pull_number
),

file_stats as (
    select
        repository_full_name,
        pull_number,
        count(*) as file_count,
        sum(lines_added) as lines_added,
        sum(lines_deleted) as lines_deleted
    from files
    group by repository_full_name, pull_number
),

other_reviews as (
    select
        reviews.repository_full_name,
        reviews.pull_number,
        reviews.submitted_at as reviewed_at,
        reviews.review_state
    from reviews
    inner join pull_requests
        on reviews.repository_full_name = pull_requests.repository_full_name
        and reviews.pull_number = pull_requests.pull_number
    where
        reviews.reviewer_id is distinct from pull_requests.author_id
        and reviews.submitted_at is not null
        and reviews.review_state != 'pending'
    union all
    select
        review_comments.repository_full_name,
        review_comments.pull_number,
        review_comments.created_at as reviewed_at,
        'commented' as review_state
    from review_comments
    inner join pull_requests
        on review_comments.repository_full_name = pull_requests.repository_full_name
        and review_comments.pull_number = pull_requests.pull_number
    where review_comments.commenter_id is distinct from pull_requests.author_id
),

review_stats as (
    select
        repository_full_name,
        pull_number,
        min(reviewed_at) as first_review_at,
        count(*) as review_event_count
    from other_reviews
    group by repository_full_name, pull_number
),

author_kind as (
    select
        pull_requests.pull_request_id,
        case
            when bot_accounts.account_kind = 'ai_agent' then 'ai_agent'
            when bot_accounts.account_kind = 'bot' or pull_requests.is_bot_account_type then 'bot'
            when exists (
                    select 1 from memberships
                    where memberships.person_id = pull_requests.author_id
                        and memberships.account_kind != 'human'
                ) then 'bot'
            else 'human'
        end as author_account_kind
    from pull_requests
    left join bot_accounts on pull_requests.author_id = bot_accounts.person_id
),

author_team as (
    select
        pull_requests.pull_request_id,
        min(memberships.team_name) as author_team_name
    from pull_requests
    inner join memberships
        on pull_requests.author_id = memberships.person_id
        and cast(pull_requests.created_at as date) >= memberships.valid_from
        and cast(pull_requests.created_at as date) < memberships.valid_to
    group by pull_requests.pull_request_id
),

rule_matches as (
    -- labels: exact label name
    select
        labels.pull_request_id,
        rules.rule_id,
        rules.priority,
        rules.ai_tool
    from labels
    inner join attribution_rules as rules
        on rules.match_type = 'label' and labels.label_name = rules.pattern
    union all
    -- commit trailers: anywhere in a commit message of the PR
    select
        pull_requests.pull_request_id,
        rules.rule_id,
        rules.priority,
        rules.ai_tool
    from commits
    inner join pull_requests
        on commits.repository_full_name = pull_requests.repository_full_name
        and commits.pull_number = pull_requests.pull_number
    inner join attribution_rules as rules
        on rules.match_type = 'trailer' and {{ contains_text('commits.commit_message', 'rules.pattern') }}
    union all
    -- the author is an AI agent account
    select
        pull_requests.pull_request_id,
        rules.rule_id,
        rules.priority,
        rules.ai_tool
    from pull_requests
    inner join attribution_rules as rules
        on rules.match_type = 'author'
        and pull_requests.author_id in (
            {{ pseudonymize('rules.pattern') }},
            {{ pseudonymize("rules.pattern || '[bot]'") }}
        )
    union all
    -- a marker in the PR body
    select
        pull_requests.pull_request_id,
        rules.rule_id,
        rules.priority,
        rules.ai_tool
    from pull_requests
    inner join attribution_rules as rules
        on rules.match_type = 'body' and {{ contains_text('pull_requests.body', 'rules.pattern') }}
),

attribution as (
    select
        pull_request_id,
        rule_id as ai_attribution_source,
        ai_tool as ai_attributed_tool
    from (
        select
            *,
            row_number() over (partition by pull_request_id order by priority, rule_id) as match_rank
        from rule_matches
    ) as ranked
    where match_rank = 1
),

rework_matches as (
    select
        pull_requests.pull_request_id,
        rules.rework_kind
    from pull_requests
    inner join rework_rules as rules
        on (rules.match_type = 'title_prefix' and lower(pull_requests.title) like rules.pattern || '%')
        or (rules.match_type = 'branch_prefix' and lower(pull_requests.head_branch) like rules.pattern || '%')
    union all
    select
        labels.pull_request_id,
        rules.rework_kind
    from labels
    inner join rework_rules as rules
        on rules.match_type = 'label' and labels.label_name = rules.pattern
),

rework as (
    select
        pull_request_id,
        min(rework_kind) as rework_kind
    from rework_matches
    group by pull_request_id
),

final as (
    select
        ---------- ids
        pull_requests.pull_request_id,
        pull_requests.repository_full_name,
        pull_requests.pull_number,
        pull_requests.author_id,
        pull_requests.merge_commit_sha,
        pull_requests.head_sha,
        coalesce(
            {{ regex_extract('pull_requests.title', '[A-Z][A-Z0-9]+-[0-9]+') }},
            {{ regex_extract('upper(pull_requests.head_branch)', '[A-Z][A-Z0-9]+-[0-9]+') }}
        ) as work_item_key,

        ---------- teams
        repositories.owner_team_name,
        author_team.author_team_name,
        case
            when author_kind.author_account_kind = 'ai_agent' then repositories.owner_team_name
            when author_kind.author_account_kind = 'bot' then null
            else author_team.author_team_name
        end as people_flow_team_name,

        ---------- strings
        pull_requests.pr_state,
        author_kind.author_account_kind,
        attribution.ai_attribution_source,
        attribution.ai_attributed_tool,
        rework.rework_kind,

        ---------- numerics
        coalesce(commit_stats.commit_count, 0) as commit_count,
        coalesce(file_stats.file_count, pull_requests.files_changed) as files_changed,
        coalesce(file_stats.lines_added, pull_requests.lines_added, 0) as lines_added,
        coalesce(file_stats.lines_deleted, pull_requests.lines_deleted, 0) as lines_deleted,
        coalesce(file_stats.lines_added, pull_requests.lines_added, 0)
        + coalesce(file_stats.lines_deleted, pull_requests.lines_deleted, 0) as pr_size_lines,
        coalesce(review_stats.review_event_count, 0) as review_event_count,

        ---------- booleans
        pull_requests.is_draft,
        pull_requests.merged_at is not null as is_merged,
        author_kind.author_account_kind = 'ai_agent' as authored_by_ai_agent,
        author_kind.author_account_kind = 'bot' as authored_by_bot,
        attribution.ai_attribution_source is not null as is_ai_assisted,
        rework.rework_kind is not null as is_rework,
        rework.rework_kind = 'revert' as is_revert,
        coalesce(review_stats.first_review_at <= pull_requests.merged_at, false) as was_reviewed_before_merge,

        ---------- timestamps
        pull_requests.created_at,
        pull_requests.updated_at,
        pull_requests.loaded_at,
        pull_requests.merged_at,
        pull_requests.closed_at,
        commit_stats.first_commit_authored_at,
        review_stats.first_review_at

    from pull_requests
    left join repositories on pull_requests.repository_full_name = repositories.repository_full_name
    left join author_kind on pull_requests.pull_request_id = author_kind.pull_request_id
    left join author_team on pull_requests.pull_request_id = author_team.pull_request_id
    left join attribution on pull_requests.pull_request_id = attribution.pull_request_id
    left join rework on pull_requests.pull_request_id = rework.pull_request_id
    left join commit_stats
        on pull_requests.repository_full_name = commit_stats.repository_full_name
        and pull_requests.pull_number = commit_stats.pull_number
    left join file_stats
        on pull_requests.repository_full_name = file_stats.repository_full_name
        and pull_requests.pull_number = file_stats.pull_number
    left join review_stats
        on pull_requests.repository_full_name = review_stats.repository_full_name
        and pull_requests.pull_number = review_stats.pull_number
)

select * from final
