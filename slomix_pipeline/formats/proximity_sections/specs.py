"""One declarative spec per section: marker, table, gate flag, fields (name and kind), the
minimum field count (fields have only ever been appended), the upstream natural key and the
plausible ranges that are *flagged*, never clamped (``proximity-v5-v6.md`` §0–§5).

The field kinds and the spec's shape are in :mod:`.spec_model`.
"""

from __future__ import annotations

from slomix_pipeline.formats.proximity_sections.spec_model import SectionSpec, section_spec

_NONNEG = 0.0
_BIG = float("inf")

V4_EXTRA_SECTIONS: tuple[SectionSpec, ...] = (
    section_spec(
        "KILL_HEATMAP",
        "proximity_kill_heatmap",
        "heatmap_generation",
        "4",
        "grid_x:i grid_y:i axis_kills:i allies_kills:i",
        "grid_x grid_y",
        ranges=(("axis_kills", _NONNEG, _BIG), ("allies_kills", _NONNEG, _BIG)),
    ),
    section_spec(
        "MOVEMENT_HEATMAP",
        "proximity_movement_heatmap",
        "heatmap_generation",
        "4",
        "grid_x:i grid_y:i traversal:i combat:i escape:i",
        "grid_x grid_y",
        ranges=(("traversal", 0, _BIG), ("combat", 0, _BIG), ("escape", 0, _BIG)),
    ),
    section_spec(
        "OBJECTIVE_FOCUS",
        "proximity_objective_focus",
        None,
        "4",
        "player_guid:s player_name:s team:s objective:s avg_distance:f "
        "time_within_radius_ms:i samples:i",
        "player_guid",
        ranges=(("avg_distance", 0, _BIG), ("time_within_radius_ms", 0, _BIG)),
    ),
)

LATER_SECTIONS: tuple[SectionSpec, ...] = (
    section_spec(
        "REACTION_METRICS",
        "proximity_reaction_metric",
        "reaction_tracking",
        "4.2",
        "engagement_id:i target_guid:s target_name:s target_team:s target_class:s outcome:s "
        "num_attackers:i return_fire_ms:oi dodge_reaction_ms:oi support_reaction_ms:oi "
        "start_time:i end_time:i duration:i",
        "engagement_id target_guid",
        ranges=(
            ("return_fire_ms", 0, 5000),
            ("dodge_reaction_ms", 0, 5000),
            ("support_reaction_ms", 0, 5000),
            ("duration", 0, _BIG),
        ),
    ),
    section_spec(
        "SPAWN_TIMING",
        "proximity_spawn_timing",
        "spawn_timing",
        "5.0",
        "killer_guid:s killer_name:s killer_team:s victim_guid:s victim_name:s victim_team:s "
        "kill_time:i enemy_spawn_interval:i time_to_next_spawn:i spawn_timing_score:f "
        "killer_reinf:of victim_reinf:of",
        "killer_guid victim_guid kill_time",
        min_fields=10,  # the 2026-03-29 tracker appended the two reinforcement fields
        ranges=(("spawn_timing_score", 0, 1), ("time_to_next_spawn", 0, _BIG)),
    ),
    section_spec(
        "TEAM_COHESION",
        "proximity_team_cohesion",
        "team_cohesion",
        "5.0",
        "sample_time:i team:s alive_count:i centroid_x:f centroid_y:f dispersion:f "
        "max_spread:f straggler_count:i buddy_pair_guids:o buddy_distance:of",
        "team sample_time",
        ranges=(("alive_count", 2, 64), ("dispersion", 0, _BIG), ("max_spread", 0, _BIG)),
    ),
    section_spec(
        "CROSSFIRE_OPPORTUNITIES",
        "proximity_crossfire_opportunity",
        "crossfire_opportunities",
        "5.0",
        "event_time:i target_guid:s target_name:s target_team:s teammate1_guid:s "
        "teammate2_guid:s angular_separation:f was_executed:b damage_within_window:i",
        "target_guid event_time teammate1_guid teammate2_guid",
        ranges=(("angular_separation", 45, 180), ("damage_within_window", 0, _BIG)),
    ),
    section_spec(
        "FOCUS_FIRE",
        "proximity_focus_fire",
        "focus_fire",
        "5.0",
        "engagement_id:i target_guid:s target_name:s attacker_count:i attacker_guids:s "
        "total_damage:i duration:i focus_score:f",
        "engagement_id",
        ranges=(("attacker_count", 2, 64), ("focus_score", 0, 1)),
    ),
    section_spec(
        "TEAM_PUSHES",
        "proximity_team_push",
        "team_push_detection",
        "5.0",
        "start_time:i end_time:i team:s avg_speed:f direction_x:f direction_y:f "
        "alignment_score:f push_quality:f participant_count:i toward_objective:s",
        "team start_time",
        # Unbounded in the file (max seen 2.16); upstream clamped it, here it is flagged.
        ranges=(("push_quality", 0, 1), ("alignment_score", -1, 1), ("avg_speed", 0, _BIG)),
    ),
    section_spec(
        "TRADE_KILLS",
        "proximity_lua_trade_kill",
        "trade_kills",
        "5.0",
        "original_kill_time:i traded_kill_time:i delta_ms:i original_victim_guid:s "
        "original_victim_name:s original_killer_guid:s original_killer_name:s trader_guid:s "
        "trader_name:s",
        "original_victim_guid original_kill_time trader_guid",
        ranges=(("delta_ms", 0, 3000),),
    ),
    section_spec(
        "REVIVES",
        "proximity_revive",
        None,
        "5.1",
        "revive_time:i medic_guid:o medic_name:o revived_guid:s revived_name:s revive_x:f "
        "revive_y:f revive_z:f distance_to_enemy:f nearest_enemy_guid:o under_fire:b",
        "medic_guid revived_guid revive_time",
        ranges=(("distance_to_enemy", 0, _BIG),),
    ),
    section_spec(
        "WEAPON_ACCURACY",
        "proximity_weapon_accuracy",
        None,
        "5.1",
        "player_guid:s player_name:s team:s weapon_id:i shots_fired:i hits:i kills:i headshots:i",
        "player_guid weapon_id",
        # Negative counts and hits > shots are flagged (upstream dropped/clamped them).
        ranges=(("shots_fired", 0, _BIG), ("hits", 0, _BIG), ("kills", 0, _BIG)),
    ),
    section_spec(
        "KILL_OUTCOME",
        "proximity_kill_outcome",
        "kill_outcome_tracking",
        "5.1",
        "kill_time:i victim_guid:s victim_name:s killer_guid:s killer_name:s kill_mod:i "
        "outcome:s outcome_time:i delta_ms:i effective_denied_ms:i gibber_guid:o "
        "gibber_name:o reviver_guid:o reviver_name:o",
        "kill_time victim_guid",
        ranges=(("delta_ms", 0, _BIG), ("effective_denied_ms", 0, _BIG)),
    ),
    section_spec(
        "HIT_REGIONS",
        "proximity_hit_region",
        "hit_region_tracking",
        "5.2",
        "event_time:i attacker_guid:s attacker_name:s victim_guid:s victim_name:s "
        "weapon_id:i hit_region:i damage:i",
        "attacker_guid victim_guid event_time weapon_id",
        ranges=(("hit_region", 0, 3), ("damage", 0, _BIG)),
    ),
    section_spec(
        "COMBAT_POSITIONS",
        "proximity_combat_position",
        "combat_positions",
        "5.2",
        "event_time:i event_type:s attacker_guid:s attacker_name:s attacker_team:s "
        "attacker_class:s victim_guid:s victim_name:s victim_team:s victim_class:s "
        "attacker_x:i attacker_y:i attacker_z:i victim_x:i victim_y:i victim_z:i weapon_id:i "
        "means_of_death:i killer_health:oi axis_alive:oi allies_alive:oi",
        "event_time attacker_guid victim_guid",
        min_fields=18,  # killer_health, axis_alive, allies_alive appended 2026-03-29
        ranges=(("killer_health", -1000, 1000), ("axis_alive", 0, 64), ("allies_alive", 0, 64)),
    ),
    section_spec(
        "SHOT_FIRED",
        "proximity_shot_fired",
        "shot_fired",
        "6.02",
        "event_time:i guid:s weapon_id:i origin_x:i origin_y:i origin_z:i view_yaw:f view_pitch:f",
        "event_time guid weapon_id",
        ranges=(("view_pitch", -90, 90),),
    ),
    section_spec(
        "AIM_LOCK",
        "proximity_aim_lock",
        "aim_lock",
        "6.10",
        "start_time:i end_time:i duration_ms:i guid:s player_name:s team:s target_guid:s "
        "target_name:s avg_err_deg:f avg_dist:I samples:i",
        "start_time guid target_guid",
        ranges=(("avg_err_deg", 0, 10), ("samples", 2, _BIG), ("duration_ms", 400, _BIG)),
    ),
    section_spec(
        "SPAWN_SELECT",
        "proximity_spawn_select",
        "spawn_select",
        "6.10",
        "event_time:i guid:s player_name:s team:s spawn_index:i last_spawn_time:i",
        "event_time guid",
    ),
    section_spec(
        "SKILL_SNAPSHOT",
        "proximity_skill_snapshot",
        "skill_snapshot",
        "6.10",
        "guid:s player_name:s team:s battle_sense:i engineering:i first_aid:i signals:i "
        "light_weapons:i heavy_weapons:i covertops:i",
        "guid",
        ranges=tuple(
            (n, 0, 4)
            for n in (
                "battle_sense",
                "engineering",
                "first_aid",
                "signals",
                "light_weapons",
                "heavy_weapons",
                "covertops",
            )
        ),
    ),
    section_spec(
        "COMM_EVENTS",
        "proximity_comm_event",
        "comm_events",
        "6.10",
        "event_time:i guid:s player_name:s team:s cmd:s arg:o",
        "event_time guid cmd",
    ),
    section_spec(
        "CARRIER_EVENTS",
        "proximity_carrier_event",
        "carrier_tracking",
        "6.01",
        "carrier_guid:s carrier_name:s carrier_team:s flag_team:s pickup_time:i drop_time:i "
        "duration_ms:i outcome:s carry_distance:f beeline_distance:f efficiency:f "
        "path_samples:i pickup_x:i pickup_y:i pickup_z:i drop_x:i drop_y:i drop_z:i "
        "killer_guid:o killer_name:o",
        "carrier_guid pickup_time",
        ranges=(("efficiency", 0, 1), ("duration_ms", 0, _BIG)),
    ),
    section_spec(
        "CARRIER_KILLS",
        "proximity_carrier_kill",
        "carrier_tracking",
        "6.01",
        "kill_time:i carrier_guid:s carrier_name:s carrier_team:s killer_guid:s killer_name:s "
        "killer_team:s means_of_death:i carrier_distance_at_kill:f flag_team:s",
        "carrier_guid kill_time",
    ),
    section_spec(
        "CARRIER_RETURNS",
        "proximity_carrier_return",
        "carrier_returns",
        "6.01",
        "return_time:i returner_guid:s returner_name:s returner_team:s flag_team:s "
        "original_carrier_guid:s drop_time:i return_delay_ms:i drop_x:i drop_y:i drop_z:i",
        "returner_guid return_time",
        ranges=(("return_delay_ms", 0, 35000),),
    ),
    section_spec(
        "VEHICLE_PROGRESS",
        "proximity_vehicle_progress",
        "vehicle_tracking",
        "6.01",
        "vehicle_name:s vehicle_type:s start_x:i start_y:i start_z:i end_x:i end_y:i end_z:i "
        "total_distance:f max_health:i final_health:i destroyed_count:i",
        "vehicle_name",
        ranges=(("total_distance", 0, _BIG), ("destroyed_count", 0, _BIG)),
    ),
    section_spec(
        "ESCORT_CREDIT",
        "proximity_escort_credit",
        "vehicle_tracking",
        "6.01",
        "player_guid:s player_name:s player_team:s vehicle_name:s mounted_time_ms:i "
        "proximity_time_ms:i total_escort_distance:f credit_distance:f samples:i",
        "player_guid vehicle_name",
    ),
    section_spec(
        "CONSTRUCTION_EVENTS",
        "proximity_construction_event",
        "construction_tracking",
        "6.01",
        "event_time:i event_type:s player_guid:s player_name:s player_team:s track_name:o "
        "player_x:i player_y:i player_z:i",
        "player_guid event_time event_type",
    ),
    section_spec(
        "OBJECTIVE_RUNS",
        "proximity_objective_run",
        "objective_run_tracking",
        "6.01",
        "engineer_guid:s engineer_name:s engineer_team:s action_type:s track_name:o "
        "action_time:i approach_time_ms:i approach_distance:f beeline_distance:f "
        "path_efficiency:f self_kills:i team_kills:i escort_guids:o enemies_nearby:i "
        "nearby_teammates:i run_type:s obj_x:I obj_y:I obj_z:I killer_guid:o killer_name:o",
        "engineer_guid action_time action_type",
        ranges=(("path_efficiency", 0, 1),),
    ),
)

SECTION_SPECS: dict[str, SectionSpec] = {s.marker: s for s in (*V4_EXTRA_SECTIONS, *LATER_SECTIONS)}
"""Marker -> spec, matched by **exact** name (a future ``SHOT_FIRED_V2`` is unknown)."""

CAPABILITY_FLAGS: tuple[str, ...] = (
    "engagement_tracking",
    "crossfire_detection",
    "escape_detection",
    "heatmap_generation",
    "reaction_tracking",
    "spawn_timing",
    "team_cohesion",
    "crossfire_opportunities",
    "focus_fire",
    "team_push_detection",
    "trade_kills",
    "kill_outcome_tracking",
    "hit_region_tracking",
    "combat_positions",
    "carrier_tracking",
    "carrier_returns",
    "vehicle_tracking",
    "construction_tracking",
    "objective_run_tracking",
    "shot_fired",
    "aim_lock",
    "spawn_select",
    "skill_snapshot",
    "comm_events",
)
"""The 24 flags of the 6.11 declaration, in the tracker's order (``proximity-v5-v6.md`` §6.1)."""
