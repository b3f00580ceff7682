//! What the device adds to the cloud's configuration: its saved settings
//! (which win over the environment).

use kitchen_aws::CloudConfig;
use kitchen_store::{
    DeviceRole, DeviceSettings, DEFAULT_LATE_AFTER_MINUTES, DEFAULT_WARN_AFTER_MINUTES,
};

/// A device's view of a [`CloudConfig`].
pub trait DeviceConfig: Sized {
    /// Saved settings win over the environment; their blank fields (profile,
    /// region, endpoint) keep what the environment and the default chain say.
    fn with_settings(self, settings: &DeviceSettings) -> CloudConfig;

    /// The settings form of a device that has saved none: this configuration,
    /// `role`, and the default thresholds.
    fn as_settings(&self, device_name: &str, role: DeviceRole) -> DeviceSettings;
}

impl DeviceConfig for CloudConfig {
    fn with_settings(mut self, settings: &DeviceSettings) -> CloudConfig {
        if settings.aws_profile.is_some() {
            self.profile = settings.aws_profile.clone();
        }
        if settings.aws_region.is_some() {
            self.region = settings.aws_region.clone();
        }
        if settings.endpoint_url.is_some() {
            self.endpoint_url = settings.endpoint_url.clone();
        }
        self.bus_name = settings.bus_name.clone();
        self.table_name = settings.table_name.clone();
        self.delivery_queue = settings.delivery_queue_name.clone();
        self
    }

    fn as_settings(&self, device_name: &str, role: DeviceRole) -> DeviceSettings {
        DeviceSettings {
            device_name: device_name.to_owned(),
            role,
            aws_profile: self.profile.clone(),
            aws_region: self.region.clone(),
            endpoint_url: None,
            bus_name: self.bus_name.clone(),
            table_name: self.table_name.clone(),
            delivery_queue_name: self.delivery_queue.clone(),
            warn_after_minutes: DEFAULT_WARN_AFTER_MINUTES,
            late_after_minutes: DEFAULT_LATE_AFTER_MINUTES,
            ready_sound: true,
            keep_days: kitchen_store::DEFAULT_KEEP_DAYS,
            language: None,
        }
    }
}
