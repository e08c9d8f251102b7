import { lazy } from 'react';

// The sign-in page and the customer list are in the first bundle (the first
// page after sign-in must be quick); these load when first opened, or are
// warmed while the list is on screen.
const detail = () => import('./CustomerDetailPage');
const form = () => import('./CustomerFormPage');

export const CustomerDetailPage = lazy(detail);
export const CustomerFormPage = lazy(form);
export const UsersPage = lazy(() => import('./UsersPage'));
export const SettingsPage = lazy(() => import('./SettingsPage'));
export const NotFoundPage = lazy(() => import('./NotFoundPage'));
// The dashboard and ECharts load only when the dashboard is opened.
export const DashboardPage = lazy(() => import('./dashboard/DashboardPage'));
export const RulesPage = lazy(() => import('./rules/RulesPage'));
export const TasksPage = lazy(() => import('./tasks/TasksPage'));
export const ServicePage = lazy(() => import('./service/ServicePage'));
export const ImportPage = lazy(() => import('./import/ImportPage'));
export const DuplicatesPage = lazy(() => import('./duplicates/DuplicatesPage'));
export const QualityPage = lazy(() => import('./quality/QualityPage'));

export function prefetchPages(): void {
  void detail();
  void form();
}
